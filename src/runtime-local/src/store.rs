//! SQLite persistence: one writer connection and, for a file-backed state, a
//! small pool of read-only connections (WAL lets readers run beside the
//! writer). All database work runs on tokio's blocking pool so it never
//! stalls the reactor.
//!
//! Durability: WAL with `synchronous=FULL` makes every committed transaction
//! durable before the commit returns, and handlers answer only after the
//! commit, so an acknowledged write survives `kill -9` and power loss.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::StateLocation;
use crate::migrations::{self, MIGRATIONS};
use crate::wire_errors::ApiError;

/// Idle read connections kept open; more are opened on demand under load.
const IDLE_READERS: usize = 8;
/// How long a statement waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The platform's database.
pub(crate) struct Store {
    writer: Mutex<Connection>,
    /// `None` for an in-memory database, whose only connection is the writer.
    readers: Option<ReaderPool>,
    described: String,
}

struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("database", &self.described)
            .finish()
    }
}

/// Lock a mutex even if a panicking thread poisoned it: a panic inside a
/// transaction rolls it back, so the connection is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    /// Open (creating if needed), check and migrate the database. Blocking.
    pub(crate) fn open(location: &StateLocation) -> anyhow::Result<Self> {
        match location {
            StateLocation::Ephemeral => {
                let conn = Connection::open_in_memory()?;
                Self::prepare(conn, "the in-memory database".to_owned(), None)
            }
            StateLocation::Dir(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the state directory {}", dir.display())
                })?;
                let path = dir.join(crate::DATABASE_FILE_NAME);
                let conn = Connection::open(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                Self::prepare(conn, path.display().to_string(), Some(path))
            }
        }
    }

    fn prepare(
        mut conn: Connection,
        described: String,
        path: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        // Check what the file is before any pragma below writes to it.
        let identity = migrations::check_identity(&conn, &described, MIGRATIONS)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            anyhow::ensure!(
                mode.eq_ignore_ascii_case("wal"),
                "{described}: SQLite refused write-ahead logging (journal_mode is {mode})"
            );
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version = migrations::migrate(&mut conn, identity, MIGRATIONS)
            .with_context(|| format!("cannot migrate {described}"))?;
        tracing::info!(database = %described, version, "platform database ready");
        Ok(Self {
            writer: Mutex::new(conn),
            readers: path.map(|path| ReaderPool {
                path,
                idle: Mutex::new(Vec::new()),
            }),
            described,
        })
    }

    /// Run `f` on a read connection, off the reactor.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let store = Arc::clone(self);
        run_blocking(move || match &store.readers {
            None => f(&lock(&store.writer)),
            Some(pool) => {
                let conn = match lock(&pool.idle).pop() {
                    Some(conn) => conn,
                    None => open_reader(&pool.path)?,
                };
                let result = f(&conn);
                let mut idle = lock(&pool.idle);
                if idle.len() < IDLE_READERS {
                    idle.push(conn);
                }
                result
            }
        })
        .await
    }

    /// Run `f` in an immediate (write-locked) transaction, off the reactor.
    /// The transaction commits when `f` succeeds and rolls back when it fails.
    pub(crate) async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let store = Arc::clone(self);
        run_blocking(move || {
            let mut conn = lock(&store.writer);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    /// Fold the write-ahead log into the main file, so the state directory
    /// holds one self-contained file after a clean stop. Blocking.
    pub(crate) fn checkpoint(&self) {
        if self.readers.is_none() {
            return;
        }
        let conn = lock(&self.writer);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
            tracing::warn!(database = %self.described, error = %e, "checkpoint on shutdown failed");
        }
    }
}

fn open_reader(path: &Path) -> Result<Connection, ApiError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

async fn run_blocking<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ApiError::internal(format_args!(
            "database task failed: {e}"
        )))
    })
}

/// A value of the `meta` table.
pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>, ApiError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Set a value of the `meta` table.
pub(crate) fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
