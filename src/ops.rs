//! The operators' HTTP endpoint of `vicinato serve` (`[server] listen`): `/healthz` (the
//! process answers), `/readyz` (the store answers and every bot this process runs is connected;
//! 503 with the reasons otherwise) and `/metrics` (the registry of `vicinato_core::metrics` in
//! the Prometheus text format, with the outbox depth read from the store when scraped). It
//! serves nothing to residents and shows no personal data, so it listens on loopback by default.

use crate::core::metrics::{Metrics, global};
use crate::store::Store;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;

/// What the endpoint reads: the store, and the bots this process should have connected.
#[derive(Clone)]
pub struct Ops {
    pub store: Arc<dyn Store>,
    /// (network, bot key) of every connection `serve` starts.
    pub bots: Vec<(String, String)>,
}

impl Ops {
    /// The reasons the process is not ready; empty when it is.
    pub async fn not_ready(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if let Err(e) = self.store.setting("vicinato.ready").await {
            reasons.push(format!("the store does not answer: {e}"));
        }
        let metrics = global();
        for (network, bot) in &self.bots {
            if metrics.connected.with(&[network, bot]).get() < 1.0 {
                reasons.push(format!("bot {bot} is not connected to {network}"));
            }
        }
        reasons
    }

    /// The metrics text, with the outbox gauges refreshed from the store.
    pub async fn metrics(&self) -> String {
        let metrics: &Metrics = global();
        match self.store.outbox_depth().await {
            Ok(depth) => {
                metrics.outbox_messages.clear();
                metrics.outbox_oldest_seconds.clear();
                let now = chrono::Utc::now();
                for d in depth {
                    metrics.outbox_messages.with(&[&d.channel]).set(d.pending as f64);
                    let age = d.oldest.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
                    metrics.outbox_oldest_seconds.with(&[&d.channel]).set(age);
                }
            }
            Err(e) => {
                metrics.error("store");
                tracing::warn!(error = %e, "cannot read the outbox depth for /metrics");
            }
        }
        metrics.render()
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(ops): State<Ops>) -> impl IntoResponse {
    let reasons = ops.not_ready().await;
    if reasons.is_empty() {
        (StatusCode::OK, "ready\n".to_owned())
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {}\n", reasons.join("; ")))
    }
}

async fn metrics(State(ops): State<Ops>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], ops.metrics().await)
}

/// Binds `addr` and serves the endpoint until `stop` turns true. Returns the address bound (a
/// port 0 gets one from the system) and the task serving it.
pub async fn listen(
    addr: SocketAddr,
    ops: Ops,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} (server.listen): {e}"))?;
    let bound = listener.local_addr()?;
    let router = axum::Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(ops);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
        };
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, "the operators' endpoint stopped");
        }
    });
    tracing::info!(%bound, "operators' endpoint: /healthz, /readyz, /metrics");
    Ok((bound, task))
}
