//! Sockets inside a session's network namespace. The agent listens on
//! 127.0.0.1:8080 (or 0.0.0.0:8080) in its own namespace, exactly as in
//! AgentCore, so the platform cannot reach it from the host namespace. A
//! dedicated thread joins the session's namespace (`setns`, through nix's
//! safe wrapper) and opens sockets there on request; a socket keeps the
//! namespace it was created in, so the async runtime uses it afterwards as
//! any other. Connections are only *created* on that thread and connected
//! asynchronously: a blocking connect there would hold the thread for TCP's
//! 1 s SYN retransmit whenever the first SYN into a fresh namespace is lost
//! (its loopback coming up), and every later request would queue behind it.

use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsFd;
use std::sync::mpsc;

use tokio::sync::oneshot;

enum Request {
    Socket(oneshot::Sender<std::io::Result<tokio::net::TcpSocket>>),
    Listen(SocketAddr, oneshot::Sender<std::io::Result<TcpListener>>),
}

/// A handle on a thread living in one network namespace.
#[derive(Clone)]
pub(crate) struct NetnsSockets {
    requests: mpsc::Sender<Request>,
}

impl NetnsSockets {
    /// Join the network namespace of process `pid`. Fails when the process
    /// is gone or the namespace cannot be joined.
    pub(crate) fn join(pid: u32) -> std::io::Result<NetnsSockets> {
        let path = format!("/proc/{pid}/ns/net");
        let namespace = std::fs::File::open(&path)?;
        let (requests, inbox) = mpsc::channel::<Request>();
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::Builder::new()
            .name(format!("netns-{pid}"))
            .spawn(move || {
                let joined =
                    nix::sched::setns(namespace.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET)
                        .map_err(std::io::Error::from);
                let ok = joined.is_ok();
                let _ = ready_tx.send(joined);
                if !ok {
                    return;
                }
                // Ends when every handle is dropped.
                for request in inbox {
                    match request {
                        Request::Socket(reply) => {
                            let _ = reply.send(tokio::net::TcpSocket::new_v4());
                        }
                        Request::Listen(addr, reply) => {
                            let _ = reply.send(TcpListener::bind(addr));
                        }
                    }
                }
            })?;
        ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the namespace thread died"))??;
        Ok(NetnsSockets { requests })
    }

    /// A connection to `addr` as seen from inside the namespace.
    ///
    /// A connect on the namespace's loopback completes (or is refused) at
    /// once, yet about one in fifty first SYNs into a fresh session is
    /// lost, and TCP would only resend it after 1 s: a connect that hangs
    /// is abandoned after a short, growing wait and tried again on a fresh
    /// socket. (Nothing was sent yet, so a retry is always safe.)
    pub(crate) async fn connect(&self, addr: SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
        const ATTEMPTS_MS: [u64; 5] = [20, 50, 100, 250, 500];
        for wait in ATTEMPTS_MS {
            let (tx, rx) = oneshot::channel();
            self.requests
                .send(Request::Socket(tx))
                .map_err(|_| std::io::Error::other("the session's namespace is gone"))?;
            let socket = rx
                .await
                .map_err(|_| std::io::Error::other("the session's namespace is gone"))??;
            let wait = std::time::Duration::from_millis(wait);
            if let Ok(connected) = tokio::time::timeout(wait, socket.connect(addr)).await {
                return connected;
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("connecting to {addr} in the session's namespace timed out"),
        ))
    }

    /// A listener on `addr` inside the namespace, once the namespace's
    /// loopback is up: bwrap brings it up after the namespace exists, so
    /// binding right after joining can fail with "cannot assign requested
    /// address". There is no event to wait on; binding is retried every
    /// 5 ms for up to 2 s, then the error is returned.
    pub(crate) async fn listen_when_up(
        &self,
        addr: SocketAddr,
    ) -> std::io::Result<tokio::net::TcpListener> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
        loop {
            match self.listen(addr).await {
                Err(e)
                    if e.kind() == std::io::ErrorKind::AddrNotAvailable
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                other => return other,
            }
        }
    }

    /// A listener on `addr` inside the namespace.
    pub(crate) async fn listen(
        &self,
        addr: SocketAddr,
    ) -> std::io::Result<tokio::net::TcpListener> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(Request::Listen(addr, tx))
            .map_err(|_| std::io::Error::other("the session's namespace is gone"))?;
        let listener = rx
            .await
            .map_err(|_| std::io::Error::other("the session's namespace is gone"))??;
        listener.set_nonblocking(true)?;
        tokio::net::TcpListener::from_std(listener)
    }
}

/// Which session each relay connection to the platform serves, by the
/// relay's local address (the peer the platform's listener sees).
pub(crate) type RelayPeers = std::sync::Mutex<std::collections::HashMap<SocketAddr, String>>;

/// Forward every connection made to `listener` (inside session `session`)
/// to `target` on the host: how a sandboxed agent reaches the platform's
/// own endpoints and nothing else. Each connection is registered in
/// `peers` before anything flows, so the platform knows whose it is.
pub(crate) async fn forward_to_host(
    listener: tokio::net::TcpListener,
    target: SocketAddr,
    session: String,
    peers: std::sync::Arc<RelayPeers>,
) {
    loop {
        let Ok((mut inside, _)) = listener.accept().await else {
            return;
        };
        let (session, peers) = (session.clone(), std::sync::Arc::clone(&peers));
        tokio::spawn(async move {
            let Ok(mut outside) = tokio::net::TcpStream::connect(target).await else {
                return;
            };
            let Ok(local) = outside.local_addr() else {
                return;
            };
            peers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(local, session);
            let _ = tokio::io::copy_bidirectional(&mut inside, &mut outside).await;
            peers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&local);
        });
    }
}
