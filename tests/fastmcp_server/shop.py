"""A FastMCP server as users write them: a tool whose argument is a nested
pydantic model with an enum, a pattern and an optional list. FastMCP puts
the models under `$defs` and points at them with `$ref`.

Usage: python shop.py PORT  (serves streamable HTTP on 127.0.0.1:PORT/mcp)
"""

import sys
from enum import Enum
from typing import Optional

from fastmcp import FastMCP
from pydantic import BaseModel, Field


class Size(str, Enum):
    small = "small"
    large = "large"


class Address(BaseModel):
    street: str
    zip: str = Field(pattern=r"^[0-9]{5}$", description="five digits")


class Line(BaseModel):
    sku: str = Field(pattern=r"^[A-Z]{3}-[0-9]{3}$", description="like ABC-123")
    size: Size
    quantity: int = Field(ge=1, le=99)


class Category(BaseModel):
    """A recursive model: FastMCP must keep it under `$defs`."""

    name: str
    parent: Optional["Category"] = None


class Order(BaseModel):
    lines: list[Line]
    ship_to: Address
    gift_tags: Optional[list[str]] = None
    category: Optional[Category] = None


mcp = FastMCP("shop")


@mcp.tool
def place_order(order: Order, priority: Size = Size.small) -> str:
    """Place an order."""
    if order.category is not None and order.category.name == "":
        raise ValueError("a category needs a name")
    return f"placed {len(order.lines)} line(s) to {order.ship_to.zip}"


if __name__ == "__main__":
    mcp.run(transport="http", host="127.0.0.1", port=int(sys.argv[1]), show_banner=False)
