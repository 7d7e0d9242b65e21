//! The database's identity and schema versions.
//!
//! A database is ours when its SQLite header's `application_id` is
//! [`APPLICATION_ID`]; its schema version is `PRAGMA user_version`. On open:
//! - a fresh (empty) database is stamped and migrated to the latest version;
//! - an older one of ours is migrated forward, one transaction per version;
//! - one from a newer acc, one that isn't ours, or a file that isn't SQLite
//!   at all is refused with an error that names the file and what to do.
//!   Nothing is ever reset or overwritten: the state may be someone's work.

use anyhow::bail;
use rusqlite::{Connection, ErrorCode};

/// "acc1" in ASCII: marks a SQLite file as an acc local-platform database.
pub(crate) const APPLICATION_ID: i32 = 0x6163_6331;

/// The schema, one script per version: `MIGRATIONS[n]` takes version `n` to `n + 1`.
/// Append new versions; never edit a shipped one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // v1: gateways and their targets. Each resource is stored as the JSON
    // document of its input members (so every member round-trips exactly),
    // with the columns that lists, lookups and uniqueness need beside it.
    // `seq` orders lists by creation and drives keyset pagination.
    // `settles_at_ms` is when a transitional status (CREATING, UPDATING,
    // SYNCHRONIZING) is reported as READY.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE gateways (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        gateway_id      TEXT NOT NULL UNIQUE,
        name            TEXT NOT NULL UNIQUE,
        status          TEXT NOT NULL,
        settles_at_ms   INTEGER NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL,
        client_token    TEXT UNIQUE,
        description     TEXT,
        authorizer_type TEXT NOT NULL,
        protocol_type   TEXT,
        document        TEXT NOT NULL
    ) STRICT;

    CREATE TABLE gateway_targets (
        seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
        target_id               TEXT NOT NULL UNIQUE,
        gateway_id              TEXT NOT NULL REFERENCES gateways (gateway_id),
        name                    TEXT NOT NULL,
        status                  TEXT NOT NULL,
        settles_at_ms           INTEGER NOT NULL,
        created_at_ms           INTEGER NOT NULL,
        updated_at_ms           INTEGER NOT NULL,
        last_synchronized_at_ms INTEGER,
        client_token            TEXT,
        description             TEXT,
        target_type             TEXT,
        resource_priority       INTEGER,
        listing_mode            TEXT,
        document                TEXT NOT NULL,
        UNIQUE (gateway_id, name),
        UNIQUE (gateway_id, client_token)
    ) STRICT;

    CREATE INDEX gateway_targets_by_gateway ON gateway_targets (gateway_id, seq);
    "#,
    // v2: each gateway's tool catalog as its MCP endpoint serves it, one row
    // per tool, rebuilt whenever a target changes or is synchronized (an
    // mcpServer target's tools come from listing the server). The FTS5 table
    // is the lexical index behind the built-in search tool.
    r#"
    CREATE TABLE gateway_tools (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        gateway_id     TEXT NOT NULL,
        target_id      TEXT NOT NULL,
        target_name    TEXT NOT NULL,
        tool_name      TEXT NOT NULL,
        qualified_name TEXT NOT NULL,
        description    TEXT,
        input_schema   TEXT NOT NULL,
        UNIQUE (gateway_id, qualified_name)
    ) STRICT;

    CREATE INDEX gateway_tools_by_target ON gateway_tools (target_id);

    -- Which version of each target the catalog holds (its updatedAt or
    -- lastSynchronizedAt, whichever is later), and why it holds no tools
    -- when listing them failed (an unreachable MCP server).
    CREATE TABLE gateway_catalog_state (
        target_id  TEXT PRIMARY KEY,
        gateway_id TEXT NOT NULL,
        version_ms INTEGER NOT NULL,
        built_ms   INTEGER NOT NULL,
        problem    TEXT
    ) STRICT;

    CREATE VIRTUAL TABLE gateway_tools_search USING fts5 (
        gateway_id UNINDEXED,
        qualified_name,
        description,
        schema_text,
        tokenize = 'porter unicode61'
    );
    "#,
    // v3: captured tool calls and the local CloudWatch Logs store.
    r#"
    CREATE TABLE captures (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        capture_id  TEXT NOT NULL UNIQUE,
        at_ms       INTEGER NOT NULL,
        gateway_id  TEXT NOT NULL,
        target_name TEXT NOT NULL,
        tool_name   TEXT NOT NULL,
        caller      TEXT,
        outcome     TEXT NOT NULL,
        latency_us  INTEGER NOT NULL,
        trace_id    TEXT NOT NULL,
        document    TEXT NOT NULL
    ) STRICT;

    CREATE INDEX captures_by_gateway ON captures (gateway_id, seq);

    CREATE TABLE log_groups (
        name           TEXT PRIMARY KEY,
        created_at_ms  INTEGER NOT NULL,
        retention_days INTEGER
    ) STRICT;

    CREATE TABLE log_streams (
        group_name        TEXT NOT NULL REFERENCES log_groups (name),
        name              TEXT NOT NULL,
        created_at_ms     INTEGER NOT NULL,
        first_event_ms    INTEGER,
        last_event_ms     INTEGER,
        last_ingestion_ms INTEGER,
        stored_bytes      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (group_name, name)
    ) STRICT;

    CREATE TABLE log_events (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        group_name   TEXT NOT NULL,
        stream_name  TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        ingestion_ms INTEGER NOT NULL,
        message      TEXT NOT NULL
    ) STRICT;

    CREATE INDEX log_events_by_stream ON log_events (group_name, stream_name, timestamp_ms, seq);
    CREATE INDEX log_events_by_group ON log_events (group_name, timestamp_ms, seq);
    "#,
    // v4: a capture remembers its log line, so evicting the capture evicts
    // the line too (the console reads captures back from the log group).
    r#"
    ALTER TABLE captures ADD COLUMN log_event_seq INTEGER;
    "#,
    // v5: policy engines and their Cedar policies (one statement each).
    r#"
    CREATE TABLE policy_engines (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        policy_engine_id TEXT NOT NULL UNIQUE,
        name             TEXT NOT NULL UNIQUE,
        client_token     TEXT UNIQUE,
        status           TEXT NOT NULL,
        settles_at_ms    INTEGER NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        document         TEXT NOT NULL
    ) STRICT;

    CREATE TABLE policies (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        policy_id        TEXT NOT NULL UNIQUE,
        policy_engine_id TEXT NOT NULL REFERENCES policy_engines (policy_engine_id),
        name             TEXT NOT NULL,
        client_token     TEXT UNIQUE,
        status           TEXT NOT NULL,
        status_reasons   TEXT NOT NULL,
        settles_at_ms    INTEGER NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        document         TEXT NOT NULL,
        UNIQUE (policy_engine_id, name)
    ) STRICT;

    CREATE INDEX policies_by_engine ON policies (policy_engine_id, seq);
    "#,
    // v6: agent runtimes, their immutable versions (each holds the whole
    // configuration it was created or updated with) and their endpoints.
    r#"
    CREATE TABLE agent_runtimes (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        agent_runtime_id TEXT NOT NULL UNIQUE,
        name             TEXT NOT NULL UNIQUE,
        client_token     TEXT UNIQUE,
        latest_version   INTEGER NOT NULL,
        status           TEXT NOT NULL,
        failure_reason   TEXT,
        settles_at_ms    INTEGER NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE agent_runtime_versions (
        agent_runtime_id TEXT NOT NULL,
        version          INTEGER NOT NULL,
        execution        TEXT NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        document         TEXT NOT NULL,
        PRIMARY KEY (agent_runtime_id, version)
    ) STRICT;

    CREATE TABLE agent_runtime_endpoints (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        agent_runtime_id TEXT NOT NULL,
        name             TEXT NOT NULL,
        endpoint_id      TEXT NOT NULL,
        client_token     TEXT UNIQUE,
        target_version   INTEGER NOT NULL,
        status           TEXT NOT NULL,
        description      TEXT,
        settles_at_ms    INTEGER NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        UNIQUE (agent_runtime_id, name)
    ) STRICT;
    "#,
    // v7: spans received by the OTLP receiver (the newest 100 000).
    r#"
    CREATE TABLE spans (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        trace_id         TEXT NOT NULL,
        span_id          TEXT NOT NULL,
        parent_span_id   TEXT NOT NULL,
        name             TEXT NOT NULL,
        kind             INTEGER NOT NULL,
        start_unix_nano  INTEGER NOT NULL,
        end_unix_nano    INTEGER NOT NULL,
        status_code      INTEGER NOT NULL,
        status_message   TEXT NOT NULL,
        service          TEXT NOT NULL,
        session_id       TEXT NOT NULL,
        attributes       TEXT NOT NULL,
        received_ms      INTEGER NOT NULL
    ) STRICT;

    CREATE INDEX spans_by_session ON spans (session_id, start_unix_nano);
    CREATE INDEX spans_by_trace ON spans (trace_id);
    "#,
    // v8: the oldest kept span, found at once: its copies in the `aws/spans`
    // log group older than it are dropped with it.
    r#"
    CREATE INDEX spans_by_start ON spans (start_unix_nano);
    "#,
    // v9: AgentCore Memory. A memory keeps its input document (strategies
    // in their answered shape); events are kept per actor and session, their
    // ids (`<19-digit ms>#<8 hex>`) sort by time; records are indexed for
    // lexical retrieval by an external-content FTS5 table kept in step by
    // triggers; extraction jobs say which events each strategy has taken
    // (`delivered`: what a self-managed strategy would have been sent).
    r#"
    CREATE TABLE memories (
        seq               INTEGER PRIMARY KEY AUTOINCREMENT,
        memory_id         TEXT NOT NULL UNIQUE,
        name              TEXT NOT NULL UNIQUE,
        client_token      TEXT UNIQUE,
        status            TEXT NOT NULL,
        settles_at_ms     INTEGER NOT NULL,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL,
        event_expiry_days INTEGER NOT NULL,
        document          TEXT NOT NULL
    ) STRICT;

    CREATE TABLE memory_events (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        memory_id     TEXT NOT NULL,
        actor_id      TEXT NOT NULL,
        session_id    TEXT NOT NULL,
        event_id      TEXT NOT NULL,
        event_ms      INTEGER NOT NULL,
        branch_name   TEXT NOT NULL,
        branch_root   TEXT,
        expires_at_ms INTEGER NOT NULL,
        extract       INTEGER NOT NULL,
        client_token  TEXT,
        metadata      TEXT,
        payload       TEXT NOT NULL,
        UNIQUE (memory_id, actor_id, session_id, event_id)
    ) STRICT;

    CREATE INDEX memory_events_by_token ON memory_events (memory_id, client_token)
        WHERE client_token IS NOT NULL;
    CREATE INDEX memory_events_by_expiry ON memory_events (expires_at_ms);
    CREATE INDEX memory_events_by_memory ON memory_events (memory_id, seq);

    CREATE TABLE memory_records (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id     TEXT NOT NULL UNIQUE,
        memory_id     TEXT NOT NULL,
        strategy_id   TEXT NOT NULL,
        namespace     TEXT NOT NULL,
        subject       TEXT,
        text          TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        record_ms     INTEGER NOT NULL,
        metadata      TEXT,
        source        TEXT
    ) STRICT;

    CREATE INDEX memory_records_by_namespace ON memory_records (memory_id, namespace, seq);
    CREATE INDEX memory_records_by_subject ON memory_records (memory_id, namespace, strategy_id, subject);

    CREATE VIRTUAL TABLE memory_records_search USING fts5 (
        text,
        content = 'memory_records',
        content_rowid = 'seq',
        tokenize = 'porter unicode61'
    );
    CREATE TRIGGER memory_records_ai AFTER INSERT ON memory_records BEGIN
        INSERT INTO memory_records_search (rowid, text) VALUES (new.seq, new.text);
    END;
    CREATE TRIGGER memory_records_ad AFTER DELETE ON memory_records BEGIN
        INSERT INTO memory_records_search (memory_records_search, rowid, text)
            VALUES ('delete', old.seq, old.text);
    END;
    CREATE TRIGGER memory_records_au AFTER UPDATE OF text ON memory_records BEGIN
        INSERT INTO memory_records_search (memory_records_search, rowid, text)
            VALUES ('delete', old.seq, old.text);
        INSERT INTO memory_records_search (rowid, text) VALUES (new.seq, new.text);
    END;

    CREATE TABLE memory_extraction_jobs (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id         TEXT NOT NULL UNIQUE,
        memory_id      TEXT NOT NULL,
        strategy_id    TEXT NOT NULL,
        actor_id       TEXT NOT NULL,
        session_id     TEXT NOT NULL,
        status         TEXT NOT NULL,
        failure_reason TEXT,
        first_event_seq INTEGER NOT NULL,
        last_event_seq  INTEGER NOT NULL,
        due_at_ms      INTEGER NOT NULL,
        created_at_ms  INTEGER NOT NULL,
        delivered      TEXT
    ) STRICT;

    CREATE UNIQUE INDEX memory_extraction_jobs_pending
        ON memory_extraction_jobs (memory_id, strategy_id, actor_id, session_id)
        WHERE status = 'PENDING';
    CREATE INDEX memory_extraction_jobs_due ON memory_extraction_jobs (status, due_at_ms);
    CREATE INDEX memory_extraction_jobs_by_memory ON memory_extraction_jobs (memory_id, seq);
    "#,
    // v10: OTLP log records (with their trace and span ids) and metric data
    // points, and the evictions of each signal, counted.
    r#"
    CREATE TABLE otel_logs (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        trace_id         TEXT NOT NULL,
        span_id          TEXT NOT NULL,
        session_id       TEXT NOT NULL,
        time_unix_nano   INTEGER NOT NULL,
        severity_number  INTEGER NOT NULL,
        group_name       TEXT NOT NULL,
        stream_name      TEXT NOT NULL,
        record           TEXT NOT NULL,
        received_ms      INTEGER NOT NULL
    ) STRICT;

    CREATE INDEX otel_logs_by_trace ON otel_logs (trace_id, span_id);
    CREATE INDEX otel_logs_by_session ON otel_logs (session_id, time_unix_nano);

    CREATE TABLE metric_points (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        name             TEXT NOT NULL,
        kind             TEXT NOT NULL,
        unit             TEXT NOT NULL,
        description      TEXT NOT NULL,
        service          TEXT NOT NULL,
        resource         TEXT NOT NULL,
        scope            TEXT NOT NULL,
        attributes       TEXT NOT NULL,
        start_unix_nano  INTEGER NOT NULL,
        time_unix_nano   INTEGER NOT NULL,
        point            TEXT NOT NULL,
        received_ms      INTEGER NOT NULL
    ) STRICT;

    CREATE INDEX metric_points_by_name ON metric_points (name, time_unix_nano);

    CREATE TABLE otlp_evictions (
        signal           TEXT PRIMARY KEY,
        evicted          INTEGER NOT NULL
    ) STRICT;
    "#,
    // v11: a log record's copy in its CloudWatch log group, evicted with it.
    r#"
    ALTER TABLE otel_logs ADD COLUMN log_event_seq INTEGER;
    "#,
    // v12: a span record's trace id beside it in `aws/spans` (the platform
    // writes every record there with a string `traceId`), so FilterLogEvents
    // with `{ $.traceId = "<id>" }` seeks one trace instead of reading every
    // record.
    r#"
    ALTER TABLE log_events ADD COLUMN trace_id TEXT;
    UPDATE log_events SET trace_id = CASE json_type(message, '$.traceId')
         WHEN 'text' THEN json_extract(message, '$.traceId')
         WHEN 'integer' THEN CAST(json_extract(message, '$.traceId') AS TEXT)
         WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END
     WHERE group_name = 'aws/spans' AND json_valid(message) AND json_type(message) = 'object';
    CREATE INDEX log_events_by_trace ON log_events (group_name, trace_id, timestamp_ms, seq)
     WHERE trace_id IS NOT NULL;
    "#,
    // v13: one row per trace, kept as spans arrive, so the trace list (a
    // Logs Insights `stats ... by traceId` on aws/spans) reads a row per
    // trace instead of every span. Backfilled from the spans kept.
    r#"
    CREATE TABLE trace_summaries (
        trace_id             TEXT PRIMARY KEY,
        start_unix_nano      INTEGER NOT NULL,
        end_unix_nano        INTEGER NOT NULL,
        spans                INTEGER NOT NULL,
        errors               INTEGER NOT NULL,
        root_name            TEXT NOT NULL,
        service              TEXT NOT NULL,
        session_id           TEXT NOT NULL,
        llm_input_tokens     INTEGER NOT NULL,
        llm_output_tokens    INTEGER NOT NULL,
        max_input_tokens     INTEGER NOT NULL,
        max_output_tokens    INTEGER NOT NULL,
        has_root             INTEGER NOT NULL,
        root_start_unix_nano INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE INDEX trace_summaries_by_start ON trace_summaries (start_unix_nano);
    CREATE INDEX trace_summaries_by_session ON trace_summaries (session_id, start_unix_nano);

    INSERT INTO trace_summaries
    SELECT s.trace_id, MIN(s.start_unix_nano), MAX(s.end_unix_nano), COUNT(*),
           SUM(s.status_code = 2),
           (SELECT r.name FROM spans r WHERE r.trace_id = s.trace_id
             ORDER BY r.parent_span_id <> '', r.start_unix_nano LIMIT 1),
           (SELECT r.service FROM spans r WHERE r.trace_id = s.trace_id
             ORDER BY r.parent_span_id <> '', r.start_unix_nano LIMIT 1),
           COALESCE((SELECT r.session_id FROM spans r WHERE r.trace_id = s.trace_id
             AND r.session_id <> '' ORDER BY r.seq LIMIT 1), ''),
           SUM(CASE WHEN json_extract(s.attributes, '$."gen_ai.operation.name"')
                    IN ('chat', 'text_completion', 'generate_content')
               THEN COALESCE(CAST(json_extract(s.attributes, '$."gen_ai.usage.input_tokens"') AS INTEGER),
                             CAST(json_extract(s.attributes, '$."gen_ai.usage.prompt_tokens"') AS INTEGER), 0)
               ELSE 0 END),
           SUM(CASE WHEN json_extract(s.attributes, '$."gen_ai.operation.name"')
                    IN ('chat', 'text_completion', 'generate_content')
               THEN COALESCE(CAST(json_extract(s.attributes, '$."gen_ai.usage.output_tokens"') AS INTEGER),
                             CAST(json_extract(s.attributes, '$."gen_ai.usage.completion_tokens"') AS INTEGER), 0)
               ELSE 0 END),
           COALESCE(MAX(CAST(COALESCE(json_extract(s.attributes, '$."gen_ai.usage.input_tokens"'),
                    json_extract(s.attributes, '$."gen_ai.usage.prompt_tokens"')) AS INTEGER)), 0),
           COALESCE(MAX(CAST(COALESCE(json_extract(s.attributes, '$."gen_ai.usage.output_tokens"'),
                    json_extract(s.attributes, '$."gen_ai.usage.completion_tokens"')) AS INTEGER)), 0),
           MAX(s.parent_span_id = ''),
           (SELECT r.start_unix_nano FROM spans r WHERE r.trace_id = s.trace_id
             ORDER BY r.parent_span_id <> '', r.start_unix_nano LIMIT 1)
      FROM spans s WHERE json_valid(s.attributes) GROUP BY s.trace_id;
    "#,
];

/// What the header of an opened database says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Identity {
    /// No schema objects and no stamp: a new file (or a new in-memory database).
    pub(crate) fresh: bool,
    pub(crate) version: usize,
}

/// Decide whether the database behind `conn` may be used, without writing to it.
/// `described` names it in errors (its path, or "the in-memory database").
pub(crate) fn check_identity(
    conn: &Connection,
    described: &str,
    migrations: &[&str],
) -> anyhow::Result<Identity> {
    let header = (|| -> rusqlite::Result<(i32, i64, i64)> {
        let application_id = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let objects = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok((application_id, version, objects))
    })();
    let (application_id, version, objects) = match header {
        Ok(header) => header,
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => bail!(
            "{described} is not a SQLite database, so it cannot be acc's platform state. \
             acc will not overwrite it: move the file aside, or start with another --state-dir."
        ),
        Err(e) => bail!("cannot read {described}: {e}"),
    };
    if application_id == 0 && version == 0 && objects == 0 {
        return Ok(Identity {
            fresh: true,
            version: 0,
        });
    }
    if application_id != APPLICATION_ID {
        bail!(
            "{described} is a SQLite database that does not belong to acc \
             (application_id {application_id:#x}, {objects} schema objects). acc will not \
             modify it: move it aside, or start with another --state-dir."
        );
    }
    let latest = migrations.len();
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > latest {
        bail!(
            "{described} was written by a newer acc (schema version {version}; this acc knows \
             versions up to {latest}). Upgrade acc to open it, or start with another \
             --state-dir. acc will not downgrade or reset it."
        );
    }
    Ok(Identity {
        fresh: false,
        version,
    })
}

/// Bring a database that passed [`check_identity`] to the latest version.
/// Returns the version reached.
pub(crate) fn migrate(
    conn: &mut Connection,
    identity: Identity,
    migrations: &[&str],
) -> anyhow::Result<usize> {
    for (from, script) in migrations.iter().enumerate().skip(identity.version) {
        let tx = conn.transaction()?;
        if identity.fresh && from == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.execute_batch(script)
            .map_err(|e| anyhow::anyhow!("schema migration to version {} failed: {e}", from + 1))?;
        tx.pragma_update(None, "user_version", (from + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = from + 1, "migrated the platform database");
    }
    Ok(migrations.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let identity = check_identity(&conn, "test db", MIGRATIONS).unwrap();
        assert!(identity.fresh);
        assert_eq!(
            migrate(&mut conn, identity, MIGRATIONS).unwrap(),
            MIGRATIONS.len()
        );
        let again = check_identity(&conn, "test db", MIGRATIONS).unwrap();
        assert_eq!(
            again,
            Identity {
                fresh: false,
                version: MIGRATIONS.len()
            }
        );
    }

    #[test]
    fn older_database_is_migrated_forward_keeping_its_rows() {
        let v2 = "ALTER TABLE gateways ADD COLUMN note TEXT; UPDATE gateways SET note = 'kept';";
        let future: Vec<&str> = MIGRATIONS.iter().copied().chain([v2]).collect();
        let mut conn = Connection::open_in_memory().unwrap();
        let identity = check_identity(&conn, "db", MIGRATIONS).unwrap();
        migrate(&mut conn, identity, MIGRATIONS).unwrap();
        conn.execute(
            "INSERT INTO gateways (gateway_id, name, status, settles_at_ms, created_at_ms, \
             updated_at_ms, authorizer_type, document) VALUES ('g-abcde12345', 'g', 'READY', 0, 0, 0, 'NONE', '{}')",
            [],
        )
        .unwrap();
        let identity = check_identity(&conn, "db", &future).unwrap();
        assert_eq!(identity.version, MIGRATIONS.len());
        assert_eq!(migrate(&mut conn, identity, &future).unwrap(), future.len());
        let note: String = conn
            .query_row("SELECT note FROM gateways WHERE name = 'g'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(note, "kept");
        // And the older binary now refuses it.
        let err = check_identity(&conn, "db", MIGRATIONS)
            .unwrap_err()
            .to_string();
        assert!(err.contains("newer acc"), "{err}");
    }

    #[test]
    fn foreign_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE customers (id INTEGER)")
            .unwrap();
        let err = check_identity(&conn, "/x/platform.sqlite3", MIGRATIONS)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/x/platform.sqlite3") && err.contains("does not belong to acc"),
            "{err}"
        );
    }
}
