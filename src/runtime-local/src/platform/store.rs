//! SQLite persistence: one writer connection and a small pool of read-only
//! connections (WAL, or the in-memory VFS, lets readers run beside each other
//! and, with WAL, beside the writer). All database work runs on tokio's blocking pool so it never
//! stalls the reactor.
//!
//! Durability: WAL with `synchronous=FULL` makes every committed transaction
//! durable before the commit returns, and handlers answer only after the
//! commit, so an acknowledged write survives `kill -9` and power loss.

use std::fs::{File, TryLockError};
use std::io::Read as _;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::platform::config::{DATABASE_FILE_NAME, StateLocation};
use crate::platform::migrations::{self, MIGRATIONS};
use crate::platform::wire_errors::ApiError;

/// Idle read connections kept open; more are opened on demand under load.
const IDLE_READERS: usize = 64;
/// How long a statement waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The writer connection's page cache (SQLite's default is 2 MiB).
const WRITER_CACHE_KIB: i64 = 32 * 1024;
/// How often the checkpointer folds committed pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// The platform's database.
pub(crate) struct Store {
    writer: Mutex<Connection>,
    readers: ReaderPool,
    /// Folds the write-ahead log into the database file off the writer's
    /// path (persistent stores only); stopped by [`Store::checkpoint`].
    checkpointer: Mutex<Option<Checkpointer>>,
    /// File-backed (WAL, checkpointed on shutdown) rather than in memory.
    persistent: bool,
    described: String,
}

struct ReaderPool {
    /// What to open: a file path, or the URI of the shared in-memory database.
    target: PathBuf,
    flags: OpenFlags,
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
                // SQLite's "memdb" VFS: an in-memory database that several
                // connections share (by this name, within this process), so
                // reads run in parallel here too. It lives while the writer does.
                let uri = PathBuf::from(format!(
                    "file:/acc-ephemeral-{}?vfs=memdb",
                    uuid::Uuid::new_v4().simple()
                ));
                let uri_flags = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(
                    &uri,
                    uri_flags | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
                )?;
                let readers = ReaderPool::new(uri, uri_flags | OpenFlags::SQLITE_OPEN_READ_ONLY);
                Self::prepare(conn, "the in-memory database".to_owned(), readers, false)
            }
            StateLocation::Dir(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the state directory {}", dir.display())
                })?;
                let path = dir.join(DATABASE_FILE_NAME);
                let conn = Connection::open(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                let described = path.display().to_string();
                let readers = ReaderPool::new(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                );
                Self::prepare(conn, described, readers, true)
            }
        }
    }

    fn prepare(
        mut conn: Connection,
        described: String,
        readers: ReaderPool,
        persistent: bool,
    ) -> anyhow::Result<Self> {
        // Check what the file is before any pragma below writes to it.
        let identity = migrations::check_identity(&conn, &described, MIGRATIONS)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if persistent {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            anyhow::ensure!(
                mode.eq_ignore_ascii_case("wal"),
                "{described}: SQLite refused write-ahead logging (journal_mode is {mode})"
            );
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // The writer's page cache, in KiB: a grouped OTLP export changes a
        // few MiB of pages, which then reach the log once, at commit,
        // instead of spilling there (and being read back) mid-transaction.
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        let version = migrations::migrate(&mut conn, identity, MIGRATIONS)
            .with_context(|| format!("cannot migrate {described}"))?;
        let checkpointer = if persistent {
            // The checkpointer's connection does what a commit would.
            let checkpointer = Checkpointer::start(&readers.target, described.clone())?;
            conn.pragma_update(None, "wal_autocheckpoint", 0)?;
            Some(checkpointer)
        } else {
            None
        };
        tracing::info!(database = %described, version, "platform database ready");
        Ok(Self {
            writer: Mutex::new(conn),
            checkpointer: Mutex::new(checkpointer),
            readers,
            persistent,
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
        run_blocking(move || {
            let pool = &store.readers;
            let conn = match lock(&pool.idle).pop() {
                Some(conn) => conn,
                None => pool.open()?,
            };
            let result = f(&conn);
            let mut idle = lock(&pool.idle);
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
            result
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
        if !self.persistent {
            return;
        }
        if let Some(checkpointer) = lock(&self.checkpointer).take() {
            checkpointer.stop();
        }
        let conn = lock(&self.writer);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
            tracing::warn!(database = %self.described, error = %e, "checkpoint on shutdown failed");
        }
    }
}

/// A thread that runs a passive checkpoint every [`CHECKPOINT_EVERY`] on
/// its own connection, so a commit never waits for the write-ahead log to
/// be copied into the database file (SQLite's automatic checkpoint runs
/// inside the commit that crosses 1 000 pages). Committed data is durable
/// in the log either way.
struct Checkpointer {
    /// Dropped to stop the thread.
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpointer {
    fn start(path: &Path, described: String) -> anyhow::Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open {described} to checkpoint it"))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("acc-checkpoint".to_owned())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(database = %described, error = %e, "checkpoint failed");
                    }
                }
            })
            .context("cannot start the checkpoint thread")?;
        Ok(Self { stop, thread })
    }

    /// Stop the thread and wait for its checkpoint in progress, if any.
    fn stop(self) {
        drop(self.stop);
        if self.thread.join().is_err() {
            tracing::warn!("the checkpoint thread panicked");
        }
    }
}

impl ReaderPool {
    fn new(target: PathBuf, flags: OpenFlags) -> Self {
        Self {
            target,
            flags,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Connection, ApiError> {
        let conn = Connection::open_with_flags(&self.target, self.flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    }
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

/// The lock file in a state directory: it names the platform using the
/// directory (its pid and address) and carries the OS advisory lock.
pub(crate) const LOCK_FILE_NAME: &str = "platform.lock";

/// One platform's exclusive hold on its state directory, for as long as
/// the value lives. The lock is the OS's (`flock`), so it goes away with
/// the process: a crashed holder leaves no stale lock behind. Two platforms
/// on one directory would each repoint the demo workspace to themselves and
/// sign the demo identity provider's tokens with different keys.
#[derive(Debug)]
pub(crate) struct StateLock {
    file: File,
}

impl StateLock {
    /// Take the directory (creating it), or fail naming the holder's pid
    /// and address and what to do. Blocking.
    pub(crate) fn acquire(dir: &Path) -> anyhow::Result<StateLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the state directory {}", dir.display()))?;
        let path = dir.join(LOCK_FILE_NAME);
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // Best effort: the holder may be between truncating and writing.
                let _ = file.read_to_string(&mut holder);
                anyhow::bail!(held_elsewhere(dir, &holder));
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        let lock = StateLock { file };
        lock.record(None)?;
        Ok(lock)
    }

    /// Record the address the platform listens on, for whoever finds the
    /// directory taken.
    pub(crate) fn record_address(&self, endpoint_url: &str) -> anyhow::Result<()> {
        self.record(Some(endpoint_url))
    }

    fn record(&self, address: Option<&str>) -> anyhow::Result<()> {
        let mut text = format!("pid={}\n", std::process::id());
        if let Some(address) = address {
            text.push_str(&format!("address={address}\n"));
        }
        self.file.set_len(0)?;
        self.file.write_all_at(text.as_bytes(), 0)?;
        Ok(())
    }
}

/// Why a state directory cannot be used, from its lock file's text.
fn held_elsewhere(dir: &Path, holder: &str) -> String {
    let field = |key: &str| {
        holder
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let pid = field("pid").unwrap_or("unknown");
    let dir = dir.display();
    match field("address") {
        Some(address) => format!(
            "the state directory {dir} is in use by another acc platform (pid {pid}, \
             listening on {address}); connect to it with --endpoint {address}, stop it, \
             or use another --state-dir"
        ),
        None => format!(
            "the state directory {dir} is in use by another acc platform (pid {pid}, still \
             starting); stop it, or use another --state-dir"
        ),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_directory_has_one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(dir.path()).unwrap();
        first.record_address("http://127.0.0.1:4577").unwrap();
        let refused = StateLock::acquire(dir.path()).unwrap_err().to_string();
        let pid = format!("pid {}", std::process::id());
        assert!(refused.contains(&pid), "{refused}");
        assert!(
            refused.contains("--endpoint http://127.0.0.1:4577"),
            "{refused}"
        );
        drop(first);
        let again = StateLock::acquire(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE_NAME)).unwrap();
        assert_eq!(
            text,
            format!("pid={}\n", std::process::id()),
            "no stale address"
        );
        drop(again);
    }

    #[test]
    fn a_holder_still_starting_is_named_too() {
        let message = held_elsewhere(Path::new("/srv/acc"), "pid=42\n");
        assert!(message.contains("pid 42, still starting"), "{message}");
        let message = held_elsewhere(Path::new("/srv/acc"), "");
        assert!(message.contains("pid unknown"), "{message}");
    }
}
