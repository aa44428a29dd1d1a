//! The terminal transport: `vicinato chat`. A prompt when a person types; one message per
//! line and no prompts when stdin is not a terminal. Buttons show as numbered choices and a
//! number presses one. With `--json`, each reply is one JSON line
//! `{"text": ..., "buttons": [{"label": ..., "payload": ...}]}` and an input line may be
//! `{"button": "<payload>"}` or `{"text": "..."}`. Files a reply carries (a calendar) are
//! written to `files_dir` and the path is said (in JSON, `"files": [{"name", "mime", "path"}]`);
//! so are the charts, as PNG files, with their one-line summary (in JSON, `"images": [{"name",
//! "mime", "path", "width", "height", "alt"}]`).

use std::io::IsTerminal;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use vicinato_chat::{Attachment, Body, ChatKind, Engine, Inbound, Rendered, RenderedButton};
use vicinato_domain::{Lang, Network};

pub struct ConsoleOptions {
    pub name: String,
    pub lang: Option<Lang>,
    pub json: bool,
    /// Where files sent with replies are written (under the data folder).
    pub files_dir: std::path::PathBuf,
}

/// Writes the files of a reply; returns their paths, in order.
async fn save_files(dir: &std::path::Path, files: &[Attachment]) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut paths = Vec::with_capacity(files.len());
    for f in files {
        tokio::fs::create_dir_all(dir).await?;
        // The name is ours ("booking-12.ics"); keep only safe characters all the same.
        let name: String = f
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .collect();
        let path = dir.join(name);
        tokio::fs::write(&path, &f.bytes).await?;
        paths.push(path);
    }
    Ok(paths)
}

/// What a line of input means.
#[derive(Debug, PartialEq, Eq)]
pub enum ConsoleInput {
    Body(Body),
    /// A number with no button behind it.
    NoSuchChoice(usize),
}

/// Reads one line: JSON (with `--json`), a number for a button, or text.
pub fn parse_line(line: &str, json: bool, choices: &[RenderedButton]) -> ConsoleInput {
    let trimmed = line.trim();
    if json
        && trimmed.starts_with('{')
        && let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(trimmed)
    {
        if let Some(serde_json::Value::String(p)) = obj.get("button") {
            return ConsoleInput::Body(Body::Button(p.clone()));
        }
        if let Some(serde_json::Value::String(t)) = obj.get("text") {
            return ConsoleInput::Body(Body::Text(t.clone()));
        }
    }
    if !trimmed.is_empty() && trimmed.len() <= 3 && trimmed.chars().all(|c| c.is_ascii_digit()) {
        let n: usize = trimmed.parse().unwrap_or(0);
        return match n.checked_sub(1).and_then(|i| choices.get(i)) {
            Some(b) => ConsoleInput::Body(Body::Button(b.payload.clone())),
            None if choices.is_empty() => ConsoleInput::Body(Body::Text(trimmed.to_owned())),
            None => ConsoleInput::NoSuchChoice(n),
        };
    }
    ConsoleInput::Body(Body::Text(line.to_owned()))
}

/// Formats a reply for the terminal: titles, indented card lines, numbered buttons.
pub fn format_plain(r: &Rendered) -> String {
    let mut out = String::new();
    for (i, b) in r.blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match &b.title {
            Some(title) => {
                out.push_str(&format!("■ {title}\n"));
                for l in &b.lines {
                    out.push_str(&format!("  {l}\n"));
                }
            }
            None => {
                for l in &b.lines {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
    }
    if !r.buttons.is_empty() {
        out.push('\n');
        for (i, b) in r.buttons.iter().enumerate() {
            out.push_str(&format!("  [{}] {}\n", i + 1, b.label));
        }
    }
    out
}

pub fn format_json(r: &Rendered) -> String {
    serde_json::json!({ "text": r.plain_text(), "buttons": r.buttons }).to_string()
}

/// Talks on the process's stdin and stdout.
pub async fn run(engine: &Engine, opts: ConsoleOptions) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal() && !opts.json;
    run_on(engine, opts, BufReader::new(tokio::io::stdin()), tokio::io::stdout(), interactive).await
}

/// Talks on any reader and writer: one message per input line.
pub async fn run_on<R, W>(
    engine: &Engine,
    opts: ConsoleOptions,
    input: R,
    mut stdout: W,
    interactive: bool,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = input.lines();
    let mut choices: Vec<RenderedButton> = Vec::new();
    let mut lang = opts.lang.unwrap_or(engine.settings().default_lang);
    if interactive {
        let hint = engine.i18n().say(lang, "console-hint");
        stdout.write_all(format!("{hint}\n> ").as_bytes()).await?;
        stdout.flush().await?;
    }
    while let Some(line) = lines.next_line().await? {
        let body = match parse_line(&line, opts.json, &choices) {
            ConsoleInput::Body(b) => b,
            ConsoleInput::NoSuchChoice(n) => {
                let text = engine.i18n().render(
                    lang,
                    &vicinato_chat::i18n::Msg::new("console-no-choice")
                        .num("n", n as i64)
                        .num("max", choices.len() as i64),
                );
                let out = if opts.json {
                    serde_json::json!({"text": text, "buttons": choices}).to_string() + "\n"
                } else {
                    text + "\n"
                };
                stdout.write_all(out.as_bytes()).await?;
                if interactive {
                    stdout.write_all(b"> ").await?;
                }
                stdout.flush().await?;
                continue;
            }
        };
        let inbound = Inbound {
            network: Network::Console,
            chat_id: opts.name.clone(),
            chat_kind: ChatKind::Direct,
            sender_id: opts.name.clone(),
            sender_name: opts.name.clone(),
            body,
            lang_hint: opts.lang,
            addressed: true,
            channel: None,
            reply_to: None,
            message_id: None,
            forwarded: false,
            media: None,
        };
        let outcome = engine.handle(inbound).await;
        lang = outcome.lang;
        // Numbers press the choices of this answer only: a step that asks for a number (how
        // many people) gets the number, and the engine answers a number from an older message.
        choices.clear();
        let mut out = String::new();
        for reply in &outcome.replies {
            let mut rendered = engine.render(outcome.lang, reply);
            if !rendered.buttons.is_empty() {
                choices = rendered.buttons.clone();
            }
            let paths = save_files(&opts.files_dir, &rendered.files).await?;
            let charts: Vec<Attachment> = rendered
                .images
                .iter()
                .map(|i| Attachment { name: i.name.clone(), mime: i.mime.clone(), bytes: i.bytes.clone() })
                .collect();
            let chart_paths = save_files(&opts.files_dir, &charts).await?;
            if let Some(block) = rendered.blocks.last_mut() {
                for (image, p) in rendered.images.iter().zip(&chart_paths) {
                    let msg = vicinato_chat::i18n::Msg::new("console-chart-saved")
                        .text("summary", image.alt.clone())
                        .text("path", p.display().to_string());
                    block.lines.push(engine.i18n().render(outcome.lang, &msg));
                }
                for p in &paths {
                    let msg = vicinato_chat::i18n::Msg::new("console-file-saved").text("path", p.display().to_string());
                    block.lines.push(engine.i18n().render(outcome.lang, &msg));
                }
            }
            if opts.json {
                let files: Vec<serde_json::Value> = rendered
                    .files
                    .iter()
                    .zip(&paths)
                    .map(|(f, p)| serde_json::json!({"name": f.name, "mime": f.mime, "path": p.display().to_string()}))
                    .collect();
                let mut line = serde_json::json!({ "text": rendered.plain_text(), "buttons": rendered.buttons });
                if !files.is_empty() {
                    line["files"] = serde_json::Value::Array(files);
                }
                let images: Vec<serde_json::Value> = rendered
                    .images
                    .iter()
                    .zip(&chart_paths)
                    .map(|(i, p)| {
                        serde_json::json!({
                            "name": i.name, "mime": i.mime, "path": p.display().to_string(),
                            "width": i.width, "height": i.height, "alt": i.alt,
                        })
                    })
                    .collect();
                if !images.is_empty() {
                    line["images"] = serde_json::Value::Array(images);
                }
                out.push_str(&line.to_string());
                out.push('\n');
            } else {
                out.push_str(&format_plain(&rendered));
                if interactive {
                    out.push('\n');
                }
            }
        }
        if interactive {
            out.push_str("> ");
        }
        stdout.write_all(out.as_bytes()).await?;
        stdout.flush().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons() -> Vec<RenderedButton> {
        vec![
            RenderedButton { label: "Italiano".into(), payload: "lang:it".into() },
            RenderedButton { label: "English".into(), payload: "lang:en".into() },
        ]
    }

    #[test]
    fn a_number_presses_the_matching_button() {
        assert_eq!(parse_line("2", false, &buttons()), ConsoleInput::Body(Body::Button("lang:en".into())));
        assert_eq!(parse_line("7", false, &buttons()), ConsoleInput::NoSuchChoice(7));
        assert_eq!(parse_line("7", false, &[]), ConsoleInput::Body(Body::Text("7".into())));
    }

    #[test]
    fn json_lines_press_buttons_or_send_text() {
        assert_eq!(parse_line(r#"{"button": "page:1"}"#, true, &[]), ConsoleInput::Body(Body::Button("page:1".into())));
        assert_eq!(parse_line(r#"{"text": "ciao"}"#, true, &[]), ConsoleInput::Body(Body::Text("ciao".into())));
        assert_eq!(parse_line("{not json", true, &[]), ConsoleInput::Body(Body::Text("{not json".into())));
    }
}
