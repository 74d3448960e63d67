//! The review page end to end in headless Chromium (Debian's `chromium` and `chromium-driver`,
//! installed by scripts/setup.sh): on a call processed with the real model, the SDR rejects an
//! item from the keyboard, edits a stakeholder, adds a next step from words selected in the
//! transcript, fills in the company and finalizes; the files the server wrote must say so.

mod common;
mod review_common;

use common::json;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use review_common::{beside, call_in, item, review_page, Running, CALL};
use serde_json::{json, Value};
use std::error::Error;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Outcome<T = ()> = Result<T, Box<dyn Error>>;

/// Chromium as root in a sandbox-less container, without the background traffic that this
/// machine's closed network would answer with floods of refused connections.
const CHROMIUM_FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,900",
    "--autoplay-policy=no-user-gesture-required",
];

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// chromedriver on a free port, and a browser session through it.
async fn browser(profile: &Path) -> (Running, Client) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (Debian package chromium-driver; see scripts/setup.sh)");
    let driver = Running(driver);
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), json!({"binary": "/usr/bin/chromium", "args": args}));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let started = Instant::now();
    loop {
        let connected = ClientBuilder::new(connector.clone())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match connected {
            Ok(client) => return (driver, client),
            // chromedriver takes a moment to listen.
            Err(_) if started.elapsed() < Duration::from_secs(15) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(error) => panic!("no browser session through chromedriver: {error}"),
        }
    }
}

/// Polls a JS expression until it is true; fails with `what` and the page's own words.
async fn until(client: &Client, expression: &str, what: &str) -> Outcome {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        let value = client.execute(&format!("return Boolean({expression});"), vec![]).await?;
        if value == json!(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = client
        .execute(
            "return [document.querySelector('#toast').textContent, [...document.querySelectorAll('#requirements li.missing')].map(li => li.textContent)];",
            vec![],
        )
        .await?;
    Err(format!("timed out waiting for {what} (last message, missing: {page})").into())
}

async fn css(client: &Client, selector: &str) -> Outcome<fantoccini::elements::Element> {
    Ok(client.find(Locator::Css(selector)).await?)
}

/// More j presses than the call has items.
const MAX_STEPS: usize = 40;

/// Types on whatever has the focus, as the reviewer's keyboard does.
async fn press(client: &Client, keys: &str) -> Outcome {
    Ok(client.active_element().await?.send_keys(keys).await?)
}

/// Selects `phrase` in the transcript the way a mouse drag would leave it.
const SELECT_PHRASE: &str = r#"
const [phrase] = arguments;
for (const text of document.querySelectorAll('#transcript .segment .text')) {
  const at = text.textContent.indexOf(phrase);
  if (at < 0) continue;
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const length = node.textContent.length;
    if (!started && at < seen + length) { range.setStart(node, at - seen); started = true; }
    if (at + phrase.length <= seen + length) { range.setEnd(node, at + phrase.length - seen); break; }
    seen += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}
return false;
"#;

/// A sentence the rules did not make a next step of: the SDR's request for a demo.
fn demo_request(transcript: &Value) -> String {
    let text = transcript["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|segment| segment["text"].as_str())
        .find(|text| text.contains("Could we"))
        .expect("the SDR asks for a demo (\"Could we ...\") in the transcript");
    let from = text.find("Could we").unwrap();
    let sentence = &text[from..];
    let end = sentence.find('?').map_or(sentence.len(), |at| at + 1);
    sentence[..end].to_owned()
}

struct Done {
    rejected: String,
    edited: String,
}

async fn review(client: &Client, url: &str, phrase: &str) -> Outcome<Done> {
    client.goto(&format!("{url}/")).await?;
    until(client, "document.querySelector('#items .item')", "the items").await?;

    // The recording plays from the page: ranges work and the browser can decode it.
    let audio = client
        .execute(
            "return fetch('/audio', {headers: {Range: 'bytes=0-99'}}).then(r => [r.status, r.headers.get('content-range'), r.headers.get('content-type')]);",
            vec![],
        )
        .await?;
    let Some([status, range, kind]) = audio.as_array().map(Vec::as_slice) else {
        return Err(format!("fetch /audio gave {audio}").into());
    };
    if *status != json!(206)
        || !range.as_str().unwrap_or_default().starts_with("bytes 0-99/")
        || *kind != json!("audio/mpeg")
    {
        return Err(format!("GET /audio with a range answered {audio}").into());
    }
    until(client, "document.querySelector('#audio').duration > 45", "the audio's duration").await?;

    press(client, "?").await?;
    until(client, "!document.querySelector('#help').hidden", "the key help").await?;
    press(client, &Key::Escape).await?;
    until(client, "document.querySelector('#help').hidden", "the key help to close").await?;

    // Reject an item from the keyboard: j steps from item to item, r rejects the selected one. The
    // call's one pain stays (the checklist needs a pain), and so do its people (one is edited next).
    let first = client
        .execute(
            "return [...document.querySelectorAll('#items .item')].find((item) => !item.matches('.cat-pain_point, .cat-stakeholder')).dataset.id;",
            vec![],
        )
        .await?
        .as_str()
        .ok_or("no item but pains and people to reject")?
        .to_string();
    let selected = format!("document.querySelector('.item.selected[data-id=\"{first}\"]')");
    for _ in 0..MAX_STEPS {
        if client.execute(&format!("return Boolean({selected});"), vec![]).await? == json!(true) {
            break;
        }
        press(client, "j").await?;
    }
    until(client, &selected, "j to select the item").await?;
    press(client, "r").await?;
    until(
        client,
        &format!("document.querySelector('.group.rejected .item[data-id=\"{first}\"]')"),
        "the item to be rejected",
    )
    .await?;

    // Edit the stakeholder's name, which the model misheard.
    let card = css(client, "#items .item.cat-stakeholder").await?;
    let person = card.attr("data-id").await?.unwrap();
    card.click().await?;
    press(client, "e").await?;
    let name = css(client, &format!("#items form[data-id=\"{person}\"] [name=\"name\"]")).await?;
    name.clear().await?;
    name.send_keys("Sarah Chen").await?;
    name.send_keys(&Key::Enter).await?;
    until(
        client,
        &format!("document.querySelector('.item[data-id=\"{person}\"] .state-edited')"),
        "the edit to be saved",
    )
    .await?;

    // Add the demo request as a next step, from a selection in the transcript.
    let selected = client.execute(SELECT_PHRASE, vec![json!(phrase)]).await?;
    if selected != json!(true) {
        return Err(format!("{phrase:?} is not in the page's transcript").into());
    }
    until(client, "!document.querySelector('#selection-menu').hidden", "the add menu").await?;
    css(client, "#selection-menu button[data-category=\"next_step\"]").await?.click().await?;
    until(client, "!document.querySelector('#add-dialog').hidden", "the add form").await?;
    let action = css(client, "#add-form [name=\"action\"]").await?;
    action.clear().await?;
    action.send_keys("demo").await?;
    let when = css(client, "#add-form [name=\"when\"]").await?;
    when.send_keys("next Tuesday").await?;
    when.send_keys(&Key::Enter).await?;
    until(client, "document.querySelector('.item.cat-next_step .state-added')", "the next step to be added").await?;

    // The company was never said on the call: the reviewer types it in.
    let company = css(client, "#account-form [name=\"company\"]").await?;
    company.click().await?;
    company.send_keys("Northwind Traders").await?;
    company.send_keys(&Key::Enter).await?;
    until(
        client,
        "document.querySelector('#requirements li.met[data-requirement=\"company\"]')",
        "the company to count",
    )
    .await?;

    until(client, "!document.querySelector('#finalize').disabled", "Finalize to be enabled").await?;
    css(client, "#finalize").await?.click().await?;
    until(client, "document.querySelector('#status.ready')", "the handoff to be ready").await?;

    // The shot shows the checklist at the top of the handoff, all met.
    client.execute("document.querySelector('#review-pane').scrollTop = 0;", vec![]).await?;
    let screenshot = client.screenshot().await?;
    std::fs::write(screenshot_path(), screenshot)?;
    Ok(Done { rejected: first, edited: person })
}

/// `target/review-ui.png`, to look at after a run.
fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("review-ui.png")
}

#[tokio::test(flavor = "current_thread")]
async fn an_sdr_reviews_a_call_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let draft_path = call_in(&dir.path().join("calls"), CALL);
    let draft_text = std::fs::read_to_string(&draft_path).unwrap();
    let phrase = demo_request(&json(&beside(&draft_path, "transcript.json")));

    let (_server, url) = review_page(&draft_path, dir.path());
    let (_driver, client) = browser(&dir.path().join("chromium-profile")).await;
    let outcome = review(&client, &url, &phrase).await;
    client.close().await.unwrap();
    let done = outcome.unwrap();

    let final_handoff = json(&beside(&draft_path, "final.json"));
    assert_eq!(final_handoff["status"], "ready");
    assert!(item(&final_handoff, &done.rejected).is_none(), "the rejected item is gone");
    let person = item(&final_handoff, &done.edited).unwrap();
    assert_eq!(
        (&person["name"], &person["review"]["state"], &person["review"]["by"]),
        (&json!("Sarah Chen"), &json!("edited"), &json!("Sam"))
    );
    let added = final_handoff["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["rule"] == "human")
        .cloned()
        .expect("the next step added from the transcript");
    assert_eq!(added["quote"], phrase.as_str());
    assert_eq!(added["review"]["state"], "added");
    assert_eq!((&added["action"], &added["when"]), (&json!("demo"), &json!("next Tuesday")));
    assert!(added["start_ms"].as_u64().unwrap() > 30_000, "{added}");
    assert_eq!(final_handoff["summary"]["company"], "Northwind Traders");

    let log = json(&beside(&draft_path, "review.json"));
    let actions: Vec<&str> = log["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|correction| correction["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["reject", "edit", "add", "set_field"]);
    assert_eq!(log["finalized"]["by"], "Sam");
    assert!(std::fs::read_to_string(beside(&draft_path, "final.md")).unwrap().contains("Northwind Traders"));
    assert_eq!(std::fs::read_to_string(&draft_path).unwrap(), draft_text, "the draft is never written");
}
