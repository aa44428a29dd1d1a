//! Charts for people: plain figures in (a title, the labels of the groups along the bottom,
//! one series of counts per thing counted), a PNG out. Drawn with `plotters` on an in-memory
//! bitmap and the DejaVu Sans font shipped in `assets/fonts` (embedded, never looked up on the
//! machine), then encoded with `png`, so the same figures give the same bytes everywhere. It
//! knows no network, no store and no language: every text it draws is given to it.

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/DejaVuSans-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The family name the font is registered under with plotters.
const FAMILY: &str = "vicinato-sans";
/// The PNG signature every chart starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// Colours told apart with the common kinds of colour blindness (Okabe and Ito).
const COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
];

/// What to draw: bars grouped by label, one bar per series in each group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub title: String,
    /// The groups along the bottom (months), in order.
    pub labels: Vec<String>,
    /// One per thing counted, with one value per label.
    pub series: Vec<Series>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
}

/// A drawn chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("a chart needs at least one label and one series")]
    Empty,
    #[error("series `{0}` has not one value per label")]
    Ragged(String),
    #[error("a chart of {0}×{1} pixels is outside 200×150 to 4000×4000")]
    Size(u32, u32),
    #[error("the embedded font does not load")]
    Font,
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// Registers the embedded font once per process.
fn font() -> Result<(), ChartError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let ok = *LOADED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The top of the value axis: the largest value with some room above, at least 1.
fn axis_top(chart: &BarChart) -> u64 {
    let max = chart.series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0);
    (max + max / 8 + 1).max(1)
}

/// Draws the chart as a PNG.
pub fn draw(chart: &BarChart) -> Result<Png, ChartError> {
    if chart.labels.is_empty() || chart.series.is_empty() {
        return Err(ChartError::Empty);
    }
    if let Some(s) = chart.series.iter().find(|s| s.values.len() != chart.labels.len()) {
        return Err(ChartError::Ragged(s.name.clone()));
    }
    let (width, height) = (chart.width, chart.height);
    if !(200..=4000).contains(&width) || !(150..=4000).contains(&height) {
        return Err(ChartError::Size(width, height));
    }
    font()?;
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let legend_rows = chart.series.len().div_ceil(3) as u32;
        let legend_height = 12 + 24 * legend_rows;
        let (plot, legend) = root.split_vertically(height - legend_height);
        bars(chart, &plot)?;
        key(chart, &legend)?;
        root.present().map_err(draw_error)?;
    }
    let bytes = encode(&pixels, width, height)?;
    Ok(Png { bytes, width, height })
}

/// The axes and the bars.
fn bars(chart: &BarChart, area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), ChartError> {
    // Group `i` is centred on `x = i`, so the axis's whole-number ticks fall under the groups.
    let groups = chart.labels.len();
    let top = axis_top(chart);
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, (FAMILY, 22).into_font())
        .margin(14)
        .x_label_area_size(32)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.5f64..groups as f64 - 0.5, 0u64..top)
        .map_err(draw_error)?;
    let labels = chart.labels.clone();
    plot.configure_mesh()
        .disable_x_mesh()
        .x_labels(groups + 1)
        .x_label_formatter(&|x| {
            let i = x.round();
            let whole = (x - i).abs() < 1e-6 && i >= 0.0;
            if whole { labels.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
        })
        .y_labels(6)
        .y_label_formatter(&|y| y.to_string())
        .label_style((FAMILY, 14).into_font())
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(draw_error)?;
    let n = chart.series.len() as f64;
    let slot = 0.8 / n;
    for (s, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        plot.draw_series(series.values.iter().enumerate().map(|(i, v)| {
            let x0 = i as f64 - 0.4 + slot * s as f64;
            Rectangle::new([(x0, 0), (x0 + slot * 0.9, *v)], colour.filled())
        }))
        .map_err(draw_error)?;
    }
    Ok(())
}

/// The key below the chart: a swatch and a name per series, three to a row.
fn key(chart: &BarChart, area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), ChartError> {
    let (width, _) = area.dim_in_pixel();
    let column = (width as i32 - 40) / 3;
    let style = (FAMILY, 15).into_font().color(&BLACK);
    for (s, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        let x = 20 + column * (s as i32 % 3);
        let y = 6 + 24 * (s as i32 / 3);
        area.draw(&Rectangle::new([(x, y + 2), (x + 14, y + 16)], colour.filled())).map_err(draw_error)?;
        area.draw(&Text::new(series.name.clone(), (x + 20, y), style.clone())).map_err(draw_error)?;
    }
    Ok(())
}

/// 8-bit RGB pixels as a PNG.
fn encode(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| ChartError::Encode(e.to_string()))?;
        writer.write_image_data(pixels).map_err(|e| ChartError::Encode(e.to_string()))?;
        writer.finish().map_err(|e| ChartError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// The width and height a PNG's header gives, `None` when the bytes are not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    // The signature, then the IHDR chunk: length (4), type (4), width (4), height (4).
    if bytes.len() < 24 || bytes[..8] != PNG_SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((word(16), word(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(values: [[u64; 3]; 2]) -> BarChart {
        BarChart {
            title: "Partecipazione a Centocelle".into(),
            labels: vec!["set 2026".into(), "ott 2026".into(), "nov 2026".into()],
            series: vec![
                Series { name: "Iniziative proposte".into(), values: values[0].to_vec() },
                Series { name: "Sostegni".into(), values: values[1].to_vec() },
            ],
            width: 800,
            height: 450,
        }
    }

    #[test]
    fn a_chart_is_a_png_of_the_size_asked() {
        let png = draw(&months([[1, 0, 3], [4, 9, 2]])).unwrap();
        assert_eq!(&png.bytes[..8], &PNG_SIGNATURE);
        assert_eq!(png_size(&png.bytes), Some((800, 450)));
        let decoded = png::Decoder::new(std::io::Cursor::new(&png.bytes)).read_info().unwrap();
        assert_eq!((decoded.info().width, decoded.info().height), (800, 450));
    }

    #[test]
    fn the_same_figures_give_the_same_bytes_and_other_figures_other_bytes() {
        let a = draw(&months([[1, 0, 3], [4, 9, 2]])).unwrap();
        let b = draw(&months([[1, 0, 3], [4, 9, 2]])).unwrap();
        let c = draw(&months([[1, 0, 3], [4, 9, 5]])).unwrap();
        assert_eq!(a.bytes, b.bytes);
        assert_ne!(a.bytes, c.bytes);
    }

    #[test]
    fn the_texts_are_drawn_with_the_embedded_font() {
        let mut renamed = months([[1, 0, 3], [4, 9, 2]]);
        let plain = draw(&renamed).unwrap();
        renamed.title = "Partecipazione a San Lorenzo".into();
        assert_ne!(draw(&renamed).unwrap().bytes, plain.bytes, "the title shows");
    }

    #[test]
    fn a_chart_with_nothing_counted_still_draws() {
        assert!(draw(&months([[0; 3], [0; 3]])).is_ok());
    }

    #[test]
    fn a_chart_without_groups_or_with_ragged_series_is_refused() {
        let mut empty = months([[0; 3], [0; 3]]);
        empty.labels.clear();
        assert!(matches!(draw(&empty), Err(ChartError::Empty)));
        let mut ragged = months([[0; 3], [0; 3]]);
        ragged.series[1].values.pop();
        assert!(matches!(draw(&ragged), Err(ChartError::Ragged(name)) if name == "Sostegni"));
        let mut tiny = months([[0; 3], [0; 3]]);
        tiny.width = 10;
        assert!(matches!(draw(&tiny), Err(ChartError::Size(10, 450))));
    }

    #[test]
    fn what_is_not_a_png_has_no_size() {
        assert_eq!(png_size(b"GIF89a............................"), None);
        assert_eq!(png_size(&PNG_SIGNATURE), None);
    }
}
