//! A chart in a reply, as data: its title, the labels of its groups and its series are
//! messages, drawn into a PNG when the reply is rendered in the reader's language
//! (`render`, through `vicinato-charts`). It comes with a one-line summary for whoever cannot
//! see it (a screen reader reads the caption or the alternative text).

use crate::i18n::Msg;

/// The size charts are drawn at: legible on a phone, small to send.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 520;

/// A bar chart: bars grouped by label, one bar per series in each group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chart {
    /// The file name, without `.png` (letters, digits and dashes).
    pub name: String,
    pub title: Msg,
    /// The groups along the bottom (months), in order.
    pub labels: Vec<Msg>,
    /// One per thing counted: its name and one value per label.
    pub series: Vec<(Msg, Vec<u64>)>,
    /// What the chart shows, in one line.
    pub summary: Msg,
}

/// A chart drawn, ready for a transport: a PNG with its alternative text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The file name, ending in `.png`.
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The one-line summary: a caption, or the alternative text.
    pub alt: String,
}

/// Draws a chart in a language. `None` (and logged) when it cannot be drawn: the reply's text
/// still goes.
pub fn draw(i18n: &crate::i18n::I18n, lang: vicinato_domain::Lang, chart: &Chart) -> Option<Image> {
    let bars = vicinato_charts::BarChart {
        title: i18n.render(lang, &chart.title),
        labels: chart.labels.iter().map(|m| i18n.render(lang, m)).collect(),
        series: chart
            .series
            .iter()
            .map(|(name, values)| vicinato_charts::Series { name: i18n.render(lang, name), values: values.clone() })
            .collect(),
        width: WIDTH,
        height: HEIGHT,
    };
    match vicinato_charts::draw(&bars) {
        Ok(png) => Some(Image {
            name: format!("{}.png", chart.name),
            mime: "image/png".to_owned(),
            bytes: png.bytes,
            width: png.width,
            height: png.height,
            alt: i18n.render(lang, &chart.summary),
        }),
        Err(e) => {
            tracing::warn!(error = %e, chart = %chart.name, "a chart could not be drawn");
            None
        }
    }
}
