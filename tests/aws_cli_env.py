"""The AWS CLI's environment against the local platform: the platform's
fixed, non-secret credentials, and none of the user's own configuration."""

import os


def aws_cli_env(**extra):
    """os.environ with the local credentials and region, plus `extra`."""
    return dict(
        os.environ,
        AWS_ACCESS_KEY_ID="acclocal",
        AWS_SECRET_ACCESS_KEY="acclocalsecret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_PAGER="",
        **extra,
    )
