//! The process's metrics for operators: counters, gauges and histograms with labels, kept in
//! atomics, written out in the Prometheus text format (version 0.0.4). One registry per
//! process ([`global`]); the transports, the scheduler and `serve` record into it and `serve`'s
//! `/metrics` renders it. Every name starts with `vicinato_`; counters end in `_total`, times
//! are in seconds. Labels are bot keys, networks, channels and kinds of error: never a person,
//! a chat or a message's text. It does no I/O and knows no network.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The upper bounds of the latency histograms, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// The upper bounds of the scheduler's lateness histogram, in seconds.
pub const LAG_BUCKETS: [f64; 10] = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0];

/// A value that only goes up.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down (a float, kept as its bits).
#[derive(Debug, Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Observations counted into fixed buckets, with their sum.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    /// One count per bound (not cumulative); the last is above every bound.
    counts: Vec<AtomicU64>,
    /// The sum in microseconds (or millionths), so that it can be added atomically.
    sum_micros: AtomicI64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self { bounds, counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(), sum_micros: AtomicI64::new(0) }
    }

    pub fn observe(&self, value: f64) {
        let value = if value.is_finite() { value.max(0.0) } else { 0.0 };
        let at = self.bounds.iter().position(|b| value <= *b).unwrap_or(self.bounds.len());
        self.counts[at].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((value * 1e6).round() as i64, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }
}

/// What one family holds per label set.
pub trait Series: Send + Sync {
    fn write(&self, name: &str, labels: &str, out: &mut String);
}

impl Series for Counter {
    fn write(&self, name: &str, labels: &str, out: &mut String) {
        let _ = writeln!(out, "{name}{labels} {}", self.get());
    }
}

impl Series for Gauge {
    fn write(&self, name: &str, labels: &str, out: &mut String) {
        let _ = writeln!(out, "{name}{labels} {}", number(self.get()));
    }
}

impl Series for Histogram {
    fn write(&self, name: &str, labels: &str, out: &mut String) {
        // `labels` is `{a="x"}` or empty: `le` goes inside the same braces.
        let with = |le: &str| match labels.strip_suffix('}') {
            Some(open) => format!("{open},le=\"{le}\"}}"),
            None => format!("{{le=\"{le}\"}}"),
        };
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{} {cumulative}", with(&number(*bound)));
        }
        cumulative += self.counts[self.bounds.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{} {cumulative}", with("+Inf"));
        let _ = writeln!(out, "{name}_sum{labels} {}", number(self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6));
        let _ = writeln!(out, "{name}_count{labels} {cumulative}");
    }
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{v}")
    }
}

/// A label value as the text format wants it: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// One metric name with its help, type and label names, and a series per label values.
pub struct Family<S> {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    labels: &'static [&'static str],
    make: fn() -> S,
    series: Mutex<BTreeMap<Vec<String>, Arc<S>>>,
}

impl<S: Series + 'static> Family<S> {
    fn new(
        name: &'static str,
        help: &'static str,
        kind: &'static str,
        labels: &'static [&'static str],
        make: fn() -> S,
    ) -> Self {
        Self { name, help, kind, labels, make, series: Mutex::new(BTreeMap::new()) }
    }

    /// The series of these label values (one per label name, in order), made on first use.
    pub fn with(&self, values: &[&str]) -> Arc<S> {
        debug_assert_eq!(values.len(), self.labels.len(), "{}: label values", self.name);
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        series.entry(key).or_insert_with(|| Arc::new((self.make)())).clone()
    }

    /// Drops every series (a gauge family refreshed as a whole, such as the outbox depth).
    pub fn clear(&self) {
        self.series.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The label values of every series.
    pub fn keys(&self) -> Vec<Vec<String>> {
        self.series.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect()
    }

    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        for (values, s) in series.iter() {
            let labels = if values.is_empty() {
                String::new()
            } else {
                let pairs: Vec<String> =
                    self.labels.iter().zip(values).map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
                format!("{{{}}}", pairs.join(","))
            };
            s.write(self.name, &labels, out);
        }
    }
}

fn latency() -> Histogram {
    Histogram::new(&LATENCY_BUCKETS)
}

fn lag() -> Histogram {
    Histogram::new(&LAG_BUCKETS)
}

/// Every metric Vicinato keeps.
pub struct Metrics {
    /// Messages (and button presses) received, by network and bot.
    pub received: Family<Counter>,
    /// Messages delivered to the network, by network and bot.
    pub sent: Family<Counter>,
    /// From receiving a message to its replies being queued, by network and bot.
    pub reply_seconds: Family<Histogram>,
    /// Messages waiting in each channel's outbox (refreshed when scraped).
    pub outbox_messages: Family<Gauge>,
    /// Age of the oldest message waiting in each channel's outbox (refreshed when scraped).
    pub outbox_oldest_seconds: Family<Gauge>,
    /// "Too many requests" answers (HTTP 429) from the network, by network and bot.
    pub rate_limited: Family<Counter>,
    /// Sends tried again after a failure other than a 429, by network and bot.
    pub retries: Family<Counter>,
    /// How late the scheduler ran due jobs, by kind of job.
    pub scheduler_lag: Family<Histogram>,
    /// Recipients of an announcement by state (queued, delivered, failed).
    pub announcement_recipients: Family<Gauge>,
    /// Errors by kind (dead_letter, store, send_refused, unreachable, job_failed).
    pub errors: Family<Counter>,
    /// 1 while a bot is connected to its network, 0 otherwise.
    pub connected: Family<Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            received: Family::new(
                "vicinato_messages_received_total",
                "Messages and button presses received, by network and bot.",
                "counter",
                &["network", "bot"],
                Counter::default,
            ),
            sent: Family::new(
                "vicinato_messages_sent_total",
                "Messages delivered to the network, by network and bot.",
                "counter",
                &["network", "bot"],
                Counter::default,
            ),
            reply_seconds: Family::new(
                "vicinato_reply_seconds",
                "Time from receiving a message to its replies being queued, by network and bot.",
                "histogram",
                &["network", "bot"],
                latency,
            ),
            outbox_messages: Family::new(
                "vicinato_outbox_messages",
                "Messages waiting in the outbox, by channel.",
                "gauge",
                &["channel"],
                Gauge::default,
            ),
            outbox_oldest_seconds: Family::new(
                "vicinato_outbox_oldest_age_seconds",
                "Age of the oldest message waiting in the outbox, by channel.",
                "gauge",
                &["channel"],
                Gauge::default,
            ),
            rate_limited: Family::new(
                "vicinato_rate_limited_total",
                "Too many requests answers (HTTP 429) from the network, by network and bot.",
                "counter",
                &["network", "bot"],
                Counter::default,
            ),
            retries: Family::new(
                "vicinato_send_retries_total",
                "Sends tried again after a failure other than a 429, by network and bot.",
                "counter",
                &["network", "bot"],
                Counter::default,
            ),
            scheduler_lag: Family::new(
                "vicinato_scheduler_lag_seconds",
                "How late due jobs ran, by kind of job.",
                "histogram",
                &["kind"],
                lag,
            ),
            announcement_recipients: Family::new(
                "vicinato_announcement_recipients",
                "Recipients of an announcement, by announcement and state (queued, delivered, failed).",
                "gauge",
                &["announcement", "state"],
                Gauge::default,
            ),
            errors: Family::new(
                "vicinato_errors_total",
                "Errors by kind (dead_letter, store, send_refused, unreachable, job_failed).",
                "counter",
                &["kind"],
                Counter::default,
            ),
            connected: Family::new(
                "vicinato_bot_connected",
                "1 while a bot is connected to its network, else 0.",
                "gauge",
                &["network", "bot"],
                Gauge::default,
            ),
        }
    }
}

impl Metrics {
    /// Every family in the Prometheus text format, each with its HELP and TYPE lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.received.write(&mut out);
        self.sent.write(&mut out);
        self.reply_seconds.write(&mut out);
        self.outbox_messages.write(&mut out);
        self.outbox_oldest_seconds.write(&mut out);
        self.rate_limited.write(&mut out);
        self.retries.write(&mut out);
        self.scheduler_lag.write(&mut out);
        self.announcement_recipients.write(&mut out);
        self.errors.write(&mut out);
        self.connected.write(&mut out);
        out
    }

    /// Counts an error of a kind.
    pub fn error(&self, kind: &str) {
        self.errors.with(&[kind]).inc();
    }

    /// Marks a bot connected (or not) on a network.
    pub fn set_connected(&self, network: &str, bot: &str, up: bool) {
        self.connected.with(&[network, bot]).set(if up { 1.0 } else { 0.0 });
    }
}

/// The process's registry.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_are_written_in_the_prometheus_text_format() {
        let m = Metrics::default();
        m.received.with(&["telegram", "lazio"]).add(3);
        let h = m.reply_seconds.with(&["telegram", "lazio"]);
        h.observe(0.003);
        h.observe(0.2);
        h.observe(100.0);
        let text = m.render();
        assert!(text.contains("# TYPE vicinato_messages_received_total counter\n"), "{text}");
        assert!(text.contains("vicinato_messages_received_total{network=\"telegram\",bot=\"lazio\"} 3\n"), "{text}");
        assert!(text.contains("vicinato_reply_seconds_bucket{network=\"telegram\",bot=\"lazio\",le=\"0.005\"} 1\n"));
        assert!(text.contains("vicinato_reply_seconds_bucket{network=\"telegram\",bot=\"lazio\",le=\"0.25\"} 2\n"));
        assert!(text.contains("vicinato_reply_seconds_bucket{network=\"telegram\",bot=\"lazio\",le=\"+Inf\"} 3\n"));
        assert!(text.contains("vicinato_reply_seconds_count{network=\"telegram\",bot=\"lazio\"} 3\n"));
        assert!(text.contains("vicinato_reply_seconds_sum{network=\"telegram\",bot=\"lazio\"} 100.203\n"), "{text}");
        // A family with no series yet still says what it is.
        assert!(text.contains("# TYPE vicinato_announcement_recipients gauge\n"));
    }

    #[test]
    fn every_name_follows_the_conventions() {
        let text = Metrics::default().render();
        for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
            let mut parts = line.split(' ').skip(2);
            let (name, kind) = (parts.next().unwrap(), parts.next().unwrap());
            assert!(name.starts_with("vicinato_"), "{name}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
            assert_eq!(kind == "counter", name.ends_with("_total"), "{name} is a {kind}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        let m = Metrics::default();
        m.error("a\"b\\c\nd");
        assert!(m.render().contains("vicinato_errors_total{kind=\"a\\\"b\\\\c\\nd\"} 1\n"));
    }
}
