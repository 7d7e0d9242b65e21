use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn request(stream: &mut TcpStream, req: &[u8], buf: &mut Vec<u8>) -> usize {
    stream.write_all(req).await.unwrap();
    buf.clear();
    let mut tmp = [0u8; 65536];
    loop {
        let n = stream.read(&mut tmp).await.unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&tmp[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).unwrap().to_ascii_lowercase();
            let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length: ")).unwrap().trim().parse().unwrap();
            while buf.len() < end + 4 + len {
                let n = stream.read(&mut tmp).await.unwrap();
                buf.extend_from_slice(&tmp[..n]);
            }
            return len;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn throughput() {
    let dir = tempfile::tempdir().unwrap();
    let persistent = std::env::var("EPHEMERAL").is_err();
    let p = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        state: if persistent { acc_runtime_local::StateLocation::Dir(dir.path().into()) } else { acc_runtime_local::StateLocation::Ephemeral },
        ..Default::default()
    }).await.unwrap();
    let addr = p.addr();
    for i in 0..48 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let body = format!("{{\"name\":\"load-{i}\",\"roleArn\":\"arn:aws:iam::000000000000:role/x\",\"authorizerType\":\"NONE\"}}");
        let req = format!("POST /gateways HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        let mut buf = Vec::new();
        request(&mut s, req.as_bytes(), &mut buf).await;
    }
    let conns = 8;
    let dur = Duration::from_secs(4);
    let mut tasks = Vec::new();
    for _ in 0..conns {
        tasks.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.set_nodelay(true).unwrap();
            let req = b"GET /gateways?maxResults=50 HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=acclocal/20250101/us-east-1/bedrock-agentcore/aws4_request\r\n\r\n";
            let mut buf = Vec::new();
            let mut lat = Vec::new();
            let start = Instant::now();
            let mut bytes = 0;
            while start.elapsed() < dur {
                let t = Instant::now();
                bytes = request(&mut s, req, &mut buf).await;
                lat.push(t.elapsed());
            }
            (lat, bytes)
        }));
    }
    let mut all = Vec::new();
    let mut bytes = 0;
    for t in tasks { let (l, b) = t.await.unwrap(); all.extend(l); bytes = b; }
    all.sort();
    let n = all.len();
    println!("persistent={persistent} requests={n} rps={:.0} p50={:?} p99={:?} max={:?} body={bytes}B",
        n as f64 / dur.as_secs_f64(), all[n / 2], all[n * 99 / 100], all[n - 1]);
    p.shutdown().await;
}
