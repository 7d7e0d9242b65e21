//! Crash safety of the real `acc serve` binary: every CreateGateway that was
//! acknowledged before a `kill -9` is still there after a restart.

use crate::platform;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_bedrockagentcorecontrol::types::AuthorizerType;
use platform::*;

const WORKERS: usize = 8;
const PER_WORKER_LIMIT: usize = 400;
const ACKS_BEFORE_KILL: usize = 60;

/// A running `acc serve` and the URL it printed.
struct Server {
    child: Child,
    endpoint: String,
    stderr: Arc<Mutex<String>>,
}

fn spawn_server(state_dir: &Path) -> Server {
    let mut child = acc_serve("127.0.0.1:0", &["--no-demo", "--state-dir"])
        .arg(state_dir)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn acc serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let sink = Arc::clone(&stderr);
    std::thread::spawn(move || {
        let mut buf = String::new();
        let _ = pipe.read_to_string(&mut buf);
        sink.lock().unwrap().push_str(&buf);
    });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let Some(endpoint) = line.trim().strip_prefix(SERVE_ANNOUNCES) else {
        let _ = child.kill();
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(100));
        panic!(
            "acc serve did not announce its URL; stdout: {line:?}; stderr: {}",
            stderr.lock().unwrap()
        );
    };
    Server {
        endpoint: endpoint.to_owned(),
        child,
        stderr,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_gateways_survive_kill_dash_nine() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_server(dir.path());
    let client = client_without_retries(&server.endpoint);
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));

    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let (client, acked) = (client.clone(), Arc::clone(&acked));
        workers.push(tokio::spawn(async move {
            for i in 0..PER_WORKER_LIMIT {
                let name = format!("burst-{worker}-{i}");
                let sent = client
                    .create_gateway()
                    .name(&name)
                    .role_arn(ROLE_ARN)
                    .authorizer_type(AuthorizerType::None)
                    .send()
                    .await;
                match sent {
                    Ok(_) => acked.lock().unwrap().push(name),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }

    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < ACKS_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "only {} acknowledged; stderr: {}",
            acked.lock().unwrap().len(),
            server.stderr.lock().unwrap()
        );
        assert!(
            !workers.iter().all(|w| w.is_finished()),
            "every worker stopped early; stderr: {}",
            server.stderr.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL while the burst is still going.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= ACKS_BEFORE_KILL);
    assert!(
        acked.len() < WORKERS * PER_WORKER_LIMIT,
        "the kill landed after the burst ended, so it proves nothing"
    );

    let mut restarted = spawn_server(dir.path());
    let client = client_without_retries(&restarted.endpoint);
    let stored: Vec<String> = client
        .list_gateways()
        .max_results(1000)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.name().to_owned())
        .collect();
    let missing: Vec<&String> = acked.iter().filter(|name| !stored.contains(name)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(stored.len() >= acked.len());
    assert!(stored.iter().all(|name| name.starts_with("burst-")));
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}

/// Every CreateEvent acknowledged before a `kill -9` of `acc serve` is
/// still listed after a restart (memory events are the busiest writes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_memory_events_survive_kill_dash_nine() {
    use aws_sdk_bedrockagentcore::primitives::DateTime;
    use aws_sdk_bedrockagentcore::types::{Content, Conversational, PayloadType, Role};

    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_server(dir.path());
    let memory = client_without_retries(&server.endpoint)
        .create_memory()
        .name("crash_memory")
        .event_expiry_duration(30)
        .send()
        .await
        .expect("CreateMemory")
        .memory()
        .unwrap()
        .id()
        .to_owned();
    let data = data_client(&server.endpoint);
    let acked = Arc::new(Mutex::new(Vec::<(usize, String)>::new()));
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let (data, acked, memory) = (data.clone(), Arc::clone(&acked), memory.clone());
        workers.push(tokio::spawn(async move {
            for i in 0..PER_WORKER_LIMIT {
                let turn = Conversational::builder()
                    .role(Role::User)
                    .content(Content::Text(format!("message {i} from worker {worker}")))
                    .build()
                    .unwrap();
                let sent = data
                    .create_event()
                    .memory_id(&memory)
                    .actor_id(format!("actor-{worker}"))
                    .session_id("burst")
                    .event_timestamp(DateTime::from_secs(1_800_000_000 + i as i64))
                    .payload(PayloadType::Conversational(turn))
                    .send()
                    .await;
                match sent {
                    Ok(out) => acked
                        .lock()
                        .unwrap()
                        .push((worker, out.event().unwrap().event_id().to_owned())),
                    Err(_) => return,
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < ACKS_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "stderr: {}",
            server.stderr.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() < WORKERS * PER_WORKER_LIMIT,
        "the kill landed after the burst ended"
    );

    let mut restarted = spawn_server(dir.path());
    let data = data_client(&restarted.endpoint);
    let mut stored = Vec::new();
    for worker in 0..WORKERS {
        let pages = data
            .list_events()
            .memory_id(&memory)
            .actor_id(format!("actor-{worker}"))
            .session_id("burst")
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        stored.extend(pages.into_iter().map(|e| (worker, e.event_id().to_owned())));
    }
    let missing: Vec<_> = acked.iter().filter(|e| !stored.contains(e)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}
