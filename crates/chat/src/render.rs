//! Rendering replies into plain, translated text for transports. The result is still free of
//! any network's markup: a transport escapes it and adds its own formatting.

use super::{Attachment, Block, Label, Reply, Visibility};
use crate::chart::Image;
use crate::directory::cards::{CardLine, times_text};
use crate::i18n::{I18n, Msg};
use serde::Serialize;
use vicinato_domain::Lang;
use vicinato_domain::rooms::Media;

/// A block of text: a card has a title; a plain message has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedBlock {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub lines: Vec<String>,
    /// Data to show verbatim (in a monospaced block where the network has one).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verbatim: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedButton {
    pub label: String,
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub blocks: Vec<RenderedBlock>,
    pub buttons: Vec<RenderedButton>,
    pub visibility: Visibility,
    pub update: bool,
    /// Files sent after the text, in order.
    #[serde(skip)]
    pub files: Vec<Attachment>,
    /// Charts drawn, sent after the text (and before the files), in order.
    #[serde(skip)]
    pub images: Vec<Image>,
    /// Photos, videos and files the network keeps, sent after the text, in order.
    #[serde(skip)]
    pub media: Vec<Media>,
}

impl Rendered {
    /// The reply as plain text: blocks separated by a blank line, titles on their own line.
    pub fn plain_text(&self) -> String {
        self.blocks
            .iter()
            .map(|b| {
                let mut parts: Vec<&str> = Vec::new();
                if let Some(t) = &b.title {
                    parts.push(t);
                }
                parts.extend(b.lines.iter().map(String::as_str));
                parts.join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

pub fn render(i18n: &I18n, lang: Lang, reply: &Reply) -> Rendered {
    // In a room of several languages: the blocks in each, one after the other; the buttons
    // and files once, in the first.
    if let Some((&first, others)) = reply.in_langs.split_first() {
        let mut out = render_in(i18n, first, reply);
        for &other in others {
            out.blocks.extend(render_in(i18n, other, reply).blocks);
        }
        return out;
    }
    render_in(i18n, lang, reply)
}

fn render_in(i18n: &I18n, lang: Lang, reply: &Reply) -> Rendered {
    let files = reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::File(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let images = reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Chart(c) => crate::chart::draw(i18n, lang, c),
            _ => None,
        })
        .collect();
    let media = reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Media(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    let blocks = reply
        .blocks
        .iter()
        .filter(|b| !matches!(b, Block::File(_) | Block::Chart(_) | Block::Media(_)))
        .map(|b| match b {
            Block::File(_) | Block::Chart(_) | Block::Media(_) => {
                unreachable!("files, charts and media were taken out above")
            }
            Block::Say(m) => RenderedBlock { title: None, lines: vec![i18n.render(lang, m)], verbatim: false },
            Block::Data(text) => RenderedBlock { title: None, lines: vec![text.clone()], verbatim: true },
            Block::Card(card) => RenderedBlock {
                // A card without a title is lines that belong together (a timetable).
                title: (!card.title.is_empty()).then(|| card.title.clone()),
                lines: card
                    .lines
                    .iter()
                    .map(|l| match l {
                        CardLine::Msg(m) => i18n.render(lang, m),
                        CardLine::Text(t) => t.clone(),
                        CardLine::Languages(codes) => {
                            let names: Vec<String> = codes
                                .iter()
                                .map(|c| {
                                    let id = format!("spoken-{c}");
                                    if i18n.has(lang, &id) { i18n.say(lang, &id) } else { c.to_string() }
                                })
                                .collect();
                            i18n.render(lang, &Msg::new("card-languages").text("languages", names.join(", ")))
                        }
                        CardLine::Timetable(groups) => {
                            let day = |d: u8| i18n.say(lang, &format!("weekday-short-{d}"));
                            let week: Vec<String> = groups
                                .iter()
                                .map(|g| {
                                    let days: Vec<String> = g
                                        .runs
                                        .iter()
                                        .map(|&(a, b)| match b - a {
                                            0 => day(a),
                                            1 => format!("{}, {}", day(a), day(b)),
                                            _ => format!("{}–{}", day(a), day(b)),
                                        })
                                        .collect();
                                    format!("{} {}", days.join(", "), times_text(&g.times))
                                })
                                .collect();
                            i18n.render(lang, &Msg::new("card-timetable").text("hours", week.join(" · ")))
                        }
                    })
                    .collect(),
                verbatim: false,
            },
        })
        .collect();
    let buttons = reply
        .buttons
        .iter()
        .map(|b| RenderedButton {
            label: match &b.label {
                Label::Msg(m) => i18n.render(lang, m),
                Label::Text(t) => t.clone(),
            },
            payload: b.payload.clone(),
        })
        .collect();
    Rendered { blocks, buttons, visibility: reply.visibility, update: reply.update, files, images, media }
}

/// Consecutive replies for the same audience become one message, the buttons going with the
/// last: transports send fewer messages (Telegram allows one a second in a chat).
pub fn merge(rendered: Vec<Rendered>) -> Vec<Rendered> {
    let mut out: Vec<Rendered> = Vec::new();
    for r in rendered {
        if let Some(prev) = out.last_mut()
            && prev.buttons.is_empty()
            && prev.visibility == r.visibility
            && !r.update
            && !prev.update
        {
            prev.blocks.extend(r.blocks);
            prev.buttons = r.buttons;
            prev.files.extend(r.files);
            prev.images.extend(r.images);
            prev.media.extend(r.media);
            continue;
        }
        out.push(r);
    }
    out
}
