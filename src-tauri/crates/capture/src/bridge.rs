//! The private channel to the sanctioned browser. The browser is started with
//! `--remote-debugging-pipe`: it has no DevTools port, and only the process that started it
//! holds the pipe. That process (the recorder) serves the DevTools protocol onwards on a
//! loopback WebSocket whose path carries a 256-bit secret kept in the encrypted store;
//! anything else is refused before the handshake. Several clients (the recorder's own
//! connection, a capture) share the one pipe: the bridge gives each command a number of its
//! own and sends each reply, and each event of a page a client attached to, to that client
//! alone, as the browser would on separate connections.
//!
//! Two methods are the bridge's own: `Target.setDiscoverTargets` (the bridge discovers
//! targets once and tells each client that asks of every tab, as the browser would), and
//! `Triangulate.recorderStatus`, the round trip that proves the recorder is alive.

use async_tungstenite::tungstenite::Message;
use async_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{Read, Write};
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::error::{CaptureError, Result};

/// The path of the bridge's WebSocket, before the secret.
pub const ENDPOINT_PATH: &str = "/devtools/browser";

/// The method a client calls to learn that the recorder is alive and recording.
pub const RECORDER_STATUS: &str = "Triangulate.recorderStatus";

/// A command on the bridge's own session with a tab: `{tab, method, params}`, answered as
/// the command itself would be.
pub const TAB_COMMAND: &str = "Triangulate.tabCommand";

/// The method a capture calls for what the browser received for a tab's page
/// (`{tab}` → `archive::PageArchive`).
pub const PAGE_ARCHIVE: &str = "Triangulate.pageArchive";

/// The two ends of the browser's DevTools pipe held by the process that started it.
pub struct BrowserPipe {
    /// Commands to the browser (its fd 3, or the first io-pipe handle on Windows).
    pub to_browser: Box<dyn Write + Send>,
    /// Replies and events from the browser (its fd 4, or the second handle).
    pub from_browser: Box<dyn Read + Send>,
}

/// A random 256-bit secret as 64 hex digits.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CaptureError::Launch(format!("the operating system gave no random bytes: {e}")))?;
    Ok(hex::encode(bytes))
}

/// The private address of a bridge: `ws://127.0.0.1:PORT/devtools/browser/SECRET`.
pub fn private_url(endpoint: &str, secret: &str) -> String {
    format!("{endpoint}/{secret}")
}

/// Compares in time independent of where the texts differ.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len() && given.bytes().zip(secret.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The recorder's own answers on its channel: `Triangulate.*` methods by name and params;
/// `None` for a method it does not know.
pub type StatusFn = Arc<dyn Fn(&str, &Value) -> Option<Value> + Send + Sync>;

/// A running bridge: its endpoint (without the secret) and a future that ends when the
/// browser's pipe closes (the browser has gone).
pub struct Bridge {
    pub endpoint: String,
    pub closed: tokio::task::JoinHandle<()>,
    /// Every tab's events, from the bridge's own sessions, for the recorder.
    pub tabs: TabFeed,
}

/// What the bridge's own sessions see in the tabs. The bridge attaches to every tab itself
/// (`Target.setAutoAttach` with `waitForDebuggerOnStart`): a tab opened by a page is held
/// before its first request until the bridge has turned on its page and network events, so
/// that its first page is recorded like any other.
pub enum TabEvent {
    /// A tab: open when the bridge started (`before_recording`), or opened since.
    Opened {
        tab: String,
        url: String,
        opener: Option<String>,
        before_recording: bool,
    },
    /// The tabs open at the start are all in: recording has started.
    Ready,
    /// One of the events the recorder uses (`Page.frameNavigated`, `Network.requestWillBeSent`…).
    Event {
        tab: String,
        method: String,
        params: Value,
    },
    Closed {
        tab: String,
    },
}

/// The tab events, and a way to send a command on the bridge's own session with a tab.
pub struct TabFeed {
    pub events: UnboundedReceiver<TabEvent>,
    pub commands: TabCommands,
}

#[derive(Clone)]
pub struct TabCommands(UnboundedSender<HubInput>);

impl TabCommands {
    /// A command on the bridge's session with the tab (such as `Network.getResponseBody`):
    /// its result, or the browser's error.
    pub async fn call(&self, tab: &str, method: &str, params: Value) -> std::result::Result<Value, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.0
            .send(HubInput::TabCommand { tab: tab.to_string(), method: method.to_string(), params, reply })
            .map_err(|_| "the browser has gone".to_string())?;
        answer.await.unwrap_or_else(|_| Err("the browser has gone".into()))
    }
}

/// The events the recorder uses; the bridge's sessions pass on no others.
const TAB_EVENTS: [&str; 6] = [
    "Page.frameNavigated",
    "Page.navigatedWithinDocument",
    "Network.requestWillBeSent",
    "Network.responseReceived",
    "Network.loadingFinished",
    "Network.loadingFailed",
];

enum HubInput {
    FromBrowser(String),
    BrowserGone,
    Connected(u64, UnboundedSender<String>),
    FromClient(u64, String),
    Gone(u64),
    TabCommand { tab: String, method: String, params: Value, reply: Reply },
}

type Reply = tokio::sync::oneshot::Sender<std::result::Result<Value, String>>;

/// Starts serving the browser's pipe on a loopback port chosen by the system. Must be
/// called inside a Tokio runtime.
/// `max_resource_buffer` is the largest response body the browser keeps for the recorder.
pub async fn serve(pipe: BrowserPipe, secret: String, status: StatusFn, max_resource_buffer: i64) -> Result<Bridge> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CaptureError::Launch(format!("the private DevTools channel cannot listen: {e}")))?;
    let port = listener.local_addr().map_err(|e| CaptureError::Launch(e.to_string()))?.port();
    let (hub_tx, hub_rx) = unbounded_channel::<HubInput>();

    // The pipe is read and written by blocking threads: it is a plain file descriptor.
    let (to_browser_tx, to_browser_rx) = std::sync::mpsc::channel::<String>();
    let BrowserPipe { mut to_browser, mut from_browser } = pipe;
    std::thread::spawn(move || {
        while let Ok(message) = to_browser_rx.recv() {
            let mut bytes = message.into_bytes();
            bytes.push(0);
            if to_browser.write_all(&bytes).and_then(|_| to_browser.flush()).is_err() {
                break;
            }
        }
    });
    let reader_tx = hub_tx.clone();
    std::thread::spawn(move || {
        let mut pending: Vec<u8> = Vec::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            match from_browser.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    pending.extend_from_slice(&buffer[..n]);
                    while let Some(end) = pending.iter().position(|b| *b == 0) {
                        let message: Vec<u8> = pending.drain(..=end).take(end).collect();
                        if let Ok(text) = String::from_utf8(message) {
                            let _ = reader_tx.send(HubInput::FromBrowser(text));
                        }
                    }
                }
            }
        }
        let _ = reader_tx.send(HubInput::BrowserGone);
    });

    let accept_tx = hub_tx.clone();
    let accept_secret = secret.clone();
    let acceptor = tokio::spawn(async move {
        let mut next_client = 0u64;
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            next_client += 1;
            let client = next_client;
            let (hub, secret) = (accept_tx.clone(), accept_secret.clone());
            tokio::spawn(async move { serve_client(stream, client, &secret, hub).await });
        }
    });
    let (tab_tx, tab_rx) = unbounded_channel::<TabEvent>();
    let commands = TabCommands(hub_tx.clone());
    let closed = tokio::spawn(async move {
        hub(hub_rx, to_browser_tx, status, Tabs { feed: Some(tab_tx), max_resource_buffer, ..Default::default() })
            .await;
        acceptor.abort();
    });
    Ok(Bridge {
        endpoint: format!("ws://127.0.0.1:{port}{ENDPOINT_PATH}"),
        closed,
        tabs: TabFeed { events: tab_rx, commands },
    })
}

async fn serve_client(stream: tokio::net::TcpStream, client: u64, secret: &str, hub: UnboundedSender<HubInput>) {
    let expected = format!("{ENDPOINT_PATH}/{secret}");
    let check = |request: &Request, response: Response| -> std::result::Result<Response, ErrorResponse> {
        if same_secret(request.uri().path(), &expected) {
            Ok(response)
        } else {
            let mut refusal = ErrorResponse::new(Some("forbidden".into()));
            *refusal.status_mut() = async_tungstenite::tungstenite::http::StatusCode::FORBIDDEN;
            Err(refusal)
        }
    };
    let config = WebSocketConfig::default().max_message_size(None).max_frame_size(None);
    let Ok(socket) = async_tungstenite::tokio::accept_hdr_async_with_config(stream, check, Some(config)).await else {
        tracing::warn!("a connection to the private DevTools channel was refused: no valid secret");
        return;
    };
    let (mut sink, mut source) = socket.split();
    let (tx, mut rx) = unbounded_channel::<String>();
    if hub.send(HubInput::Connected(client, tx)).is_err() {
        return;
    }
    let writer = tokio::spawn(async move {
        while let Some(text) = rx.recv().await {
            if sink.send(Message::text(text)).await.is_err() {
                break;
            }
        }
        let _ = sink.close(None).await;
    });
    while let Some(Ok(message)) = source.next().await {
        match message {
            Message::Text(text) => {
                let _ = hub.send(HubInput::FromClient(client, text.to_string()));
            }
            Message::Close(_) => break,
            _ => {}
        }
    }
    let _ = hub.send(HubInput::Gone(client));
    writer.abort();
}

/// Who sent a command the browser has not answered yet.
#[derive(Default)]
struct Pending {
    client: Option<u64>,
    id: Value,
    /// The tab, for `Target.attachToTarget`.
    attaching: Option<String>,
    /// Where the answer to one of the bridge's own commands goes.
    reply: Option<Reply>,
    /// The bridge's own `Target.setAutoAttach`: its answer comes after every open tab.
    ready: bool,
}

/// The bridge's own sessions with the tabs.
#[derive(Default)]
struct Tabs {
    feed: Option<UnboundedSender<TabEvent>>,
    max_resource_buffer: i64,
    /// Whether the browser refused target filters, so that auto-attachment covers every kind.
    unfiltered: bool,
    /// Session to tab, and tab to session.
    session_tab: HashMap<String, String>,
    tab_session: HashMap<String, String>,
}

impl Tabs {
    fn send(&self, event: TabEvent) {
        if let Some(feed) = &self.feed {
            let _ = feed.send(event);
        }
    }
}

#[derive(Default)]
struct HubState {
    clients: HashMap<u64, UnboundedSender<String>>,
    discovering: HashSet<u64>,
    targets: HashMap<String, Value>,
    pending: HashMap<u64, Pending>,
    next_id: u64,
    /// Clients waiting for their attachment to a tab, in the order they asked.
    attaching: HashMap<String, VecDeque<u64>>,
    owner: HashMap<String, u64>,
}

impl HubState {
    fn send_to(&self, client: u64, message: &Value) {
        if let Some(tx) = self.clients.get(&client) {
            let _ = tx.send(message.to_string());
        }
    }

    fn to_browser(&mut self, to_browser: &std::sync::mpsc::Sender<String>, pending: Pending, mut message: Value) {
        self.next_id += 1;
        message["id"] = json!(self.next_id);
        self.pending.insert(self.next_id, pending);
        let _ = to_browser.send(message.to_string());
    }
}

async fn hub(
    mut inputs: UnboundedReceiver<HubInput>,
    to_browser: std::sync::mpsc::Sender<String>,
    status: StatusFn,
    mut tabs: Tabs,
) {
    let mut state = HubState::default();
    state.to_browser(
        &to_browser,
        Pending::default(),
        json!({ "method": "Target.setDiscoverTargets", "params": { "discover": true } }),
    );
    // The bridge's own session with every tab, new tabs held before their first request.
    state.to_browser(
        &to_browser,
        Pending { ready: true, ..Default::default() },
        json!({ "method": "Target.setAutoAttach", "params": {
            "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
            "filter": [{ "type": "page", "exclude": false }],
        } }),
    );
    while let Some(input) = inputs.recv().await {
        match input {
            HubInput::BrowserGone => break,
            HubInput::TabCommand { tab, method, params, reply } => match tabs.tab_session.get(&tab) {
                Some(session) => {
                    let session = session.clone();
                    state.to_browser(
                        &to_browser,
                        Pending { reply: Some(reply), ..Default::default() },
                        json!({ "method": method, "params": params, "sessionId": session }),
                    );
                }
                None => {
                    let _ = reply.send(Err(format!("tab {tab} is not open")));
                }
            },
            HubInput::Connected(client, tx) => {
                state.clients.insert(client, tx);
            }
            HubInput::Gone(client) => {
                state.clients.remove(&client);
                state.discovering.remove(&client);
                state.pending.retain(|_, p| p.client != Some(client));
                for queue in state.attaching.values_mut() {
                    queue.retain(|c| *c != client);
                }
                let sessions: Vec<String> =
                    state.owner.iter().filter(|(_, c)| **c == client).map(|(s, _)| s.clone()).collect();
                for session in sessions {
                    state.owner.remove(&session);
                    state.to_browser(
                        &to_browser,
                        Pending::default(),
                        json!({ "method": "Target.detachFromTarget", "params": { "sessionId": session } }),
                    );
                }
            }
            HubInput::FromClient(client, text) => {
                let Ok(mut message) = serde_json::from_str::<Value>(&text) else { continue };
                let id = message["id"].clone();
                match message["method"].as_str().unwrap_or_default() {
                    // A command on the bridge's own session with a tab: a capture needs no
                    // session of its own (attaching one costs tens of milliseconds).
                    TAB_COMMAND => {
                        let params = &message["params"];
                        match params["tab"].as_str().and_then(|tab| tabs.tab_session.get(tab)) {
                            Some(session) => {
                                let command = json!({
                                    "method": params["method"],
                                    "params": params["params"],
                                    "sessionId": session,
                                });
                                state.to_browser(
                                    &to_browser,
                                    Pending { client: Some(client), id, ..Default::default() },
                                    command,
                                );
                            }
                            None => state.send_to(
                                client,
                                &json!({ "id": id, "error": { "code": -32602, "message": "the tab is not open" } }),
                            ),
                        }
                    }
                    method if method.starts_with("Triangulate.") => {
                        let reply = match status(method, &message["params"]) {
                            Some(result) => json!({ "id": id, "result": result }),
                            None => {
                                json!({ "id": id, "error": { "code": -32601, "message": format!("{method} is not known") } })
                            }
                        };
                        state.send_to(client, &reply);
                    }
                    "Target.setDiscoverTargets" if message.get("sessionId").is_none() => {
                        state.send_to(client, &json!({ "id": id, "result": {} }));
                        if message["params"]["discover"] == true {
                            if state.discovering.insert(client) {
                                for info in state.targets.values() {
                                    state.send_to(
                                        client,
                                        &json!({ "method": "Target.targetCreated", "params": { "targetInfo": info } }),
                                    );
                                }
                            }
                        } else {
                            state.discovering.remove(&client);
                        }
                    }
                    method => {
                        let attaching = (method == "Target.attachToTarget")
                            .then(|| message["params"]["targetId"].as_str().map(str::to_string))
                            .flatten();
                        if let Some(target) = &attaching {
                            state.attaching.entry(target.clone()).or_default().push_back(client);
                        }
                        if let Some(object) = message.as_object_mut() {
                            object.remove("id");
                        }
                        state.to_browser(
                            &to_browser,
                            Pending { client: Some(client), id, attaching, ..Default::default() },
                            message,
                        );
                    }
                }
            }
            HubInput::FromBrowser(text) => {
                let Ok(mut message) = serde_json::from_str::<Value>(&text) else { continue };
                if !own_session(&mut state, &mut tabs, &to_browser, &message) {
                    from_browser(&mut state, &mut message);
                }
            }
        }
    }
    // The browser has gone: every client's connection closes.
    state.clients.clear();
}

/// What belongs to the bridge's own sessions with the tabs: their attachment (a tab is then
/// set up, and a held one let go), their events (to the recorder's feed, never to a client),
/// the answers to its own commands. True when the message was the bridge's own.
fn own_session(
    state: &mut HubState,
    tabs: &mut Tabs,
    to_browser: &std::sync::mpsc::Sender<String>,
    message: &Value,
) -> bool {
    if let Some(id) = message["id"].as_u64() {
        let own = state.pending.get(&id).is_some_and(|p| p.reply.is_some() || p.ready);
        if own && let Some(pending) = state.pending.remove(&id) {
            if let Some(reply) = pending.reply {
                let answer = match message.get("error") {
                    Some(error) => Err(error["message"].as_str().unwrap_or("the browser refused").to_string()),
                    None => Ok(message["result"].clone()),
                };
                let _ = reply.send(answer);
            }
            if pending.ready {
                if message.get("error").is_some() && !tabs.unfiltered {
                    // A browser that does not know target filters: ask again without one
                    // (targets other than pages are then let go as they come).
                    tabs.unfiltered = true;
                    state.to_browser(
                        to_browser,
                        Pending { ready: true, ..Default::default() },
                        json!({ "method": "Target.setAutoAttach", "params": {
                            "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
                        } }),
                    );
                } else {
                    tabs.send(TabEvent::Ready);
                }
            }
        }
        return own;
    }
    let method = message["method"].as_str().unwrap_or_default();
    let params = &message["params"];
    if let Some(session) = message["sessionId"].as_str() {
        let Some(tab) = tabs.session_tab.get(session) else { return false };
        if TAB_EVENTS.contains(&method) {
            tabs.send(TabEvent::Event { tab: tab.clone(), method: method.to_string(), params: params.clone() });
        }
        return true;
    }
    match method {
        // The bridge's own attachment: not asked for by a client, and not a session a client owns.
        "Target.attachedToTarget" => {
            let (Some(session), Some(tab)) = (params["sessionId"].as_str(), params["targetInfo"]["targetId"].as_str())
            else {
                return false;
            };
            let asked_by_client = state.attaching.get(tab).is_some_and(|queue| !queue.is_empty());
            if asked_by_client || state.owner.contains_key(session) || tabs.tab_session.contains_key(tab) {
                return false;
            }
            if params["targetInfo"]["type"] != "page" {
                // Not a tab (a worker, say): let it run and leave it.
                let on_session =
                    |method: &str, params: Value| json!({ "method": method, "params": params, "sessionId": session });
                if params["waitingForDebugger"] == true {
                    state.to_browser(
                        to_browser,
                        Pending::default(),
                        on_session("Runtime.runIfWaitingForDebugger", json!({})),
                    );
                }
                let detach = json!({ "method": "Target.detachFromTarget", "params": { "sessionId": session } });
                state.to_browser(to_browser, Pending::default(), detach);
                return true;
            }
            tabs.session_tab.insert(session.to_string(), tab.to_string());
            tabs.tab_session.insert(tab.to_string(), session.to_string());
            let held = params["waitingForDebugger"] == true;
            tabs.send(TabEvent::Opened {
                tab: tab.to_string(),
                url: params["targetInfo"]["url"].as_str().unwrap_or_default().to_string(),
                opener: params["targetInfo"]["openerId"].as_str().map(str::to_string),
                before_recording: !held,
            });
            let on_session =
                |method: &str, params: Value| json!({ "method": method, "params": params, "sessionId": session });
            state.to_browser(to_browser, Pending::default(), on_session("Page.enable", json!({})));
            // Room for a page's bodies, so that none is evicted before the recorder reads it.
            state.to_browser(
                to_browser,
                Pending::default(),
                on_session(
                    "Network.enable",
                    json!({ "maxTotalBufferSize": 256 * 1024 * 1024, "maxResourceBufferSize": tabs.max_resource_buffer }),
                ),
            );
            // Listening now: the held tab may send its first request.
            if held {
                state.to_browser(
                    to_browser,
                    Pending::default(),
                    on_session("Runtime.runIfWaitingForDebugger", json!({})),
                );
            }
            true
        }
        "Target.detachedFromTarget" => {
            let Some(session) = params["sessionId"].as_str() else { return false };
            let Some(tab) = tabs.session_tab.remove(session) else { return false };
            tabs.tab_session.remove(&tab);
            tabs.send(TabEvent::Closed { tab });
            true
        }
        _ => false,
    }
}

fn from_browser(state: &mut HubState, message: &mut Value) {
    if let Some(id) = message["id"].as_u64() {
        let Some(pending) = state.pending.remove(&id) else { return };
        let Some(client) = pending.client else { return };
        if let (Some(target), true) = (&pending.attaching, message.get("error").is_some())
            && let Some(queue) = state.attaching.get_mut(target)
            && let Some(at) = queue.iter().position(|c| *c == client)
        {
            queue.remove(at);
        }
        message["id"] = pending.id;
        state.send_to(client, message);
        return;
    }
    let method = message["method"].as_str().unwrap_or_default().to_string();
    let params = &message["params"];
    match method.as_str() {
        "Target.targetCreated" | "Target.targetInfoChanged" => {
            if let Some(id) = params["targetInfo"]["targetId"].as_str() {
                state.targets.insert(id.to_string(), params["targetInfo"].clone());
            }
        }
        "Target.targetDestroyed" => {
            if let Some(id) = params["targetId"].as_str() {
                state.targets.remove(id);
                state.attaching.remove(id);
            }
        }
        _ => {}
    }
    // An event of a page session goes to the client that attached to it.
    let owner_of = |state: &HubState, session: &Value| session.as_str().and_then(|s| state.owner.get(s).copied());
    let recipient = if message.get("sessionId").is_some() {
        owner_of(state, &message["sessionId"])
    } else {
        match method.as_str() {
            "Target.attachedToTarget" => owner_of(state, &params["sessionId"]).or_else(|| {
                let target = params["targetInfo"]["targetId"].as_str()?;
                state.attaching.get_mut(target)?.pop_front()
            }),
            "Target.detachedFromTarget" | "Target.receivedMessageFromTarget" => owner_of(state, &params["sessionId"]),
            "Target.targetCreated" | "Target.targetInfoChanged" | "Target.targetDestroyed" | "Target.targetCrashed" => {
                for client in &state.discovering {
                    state.send_to(*client, message);
                }
                return;
            }
            _ => {
                for client in state.clients.keys() {
                    state.send_to(*client, message);
                }
                return;
            }
        }
    };
    let Some(client) = recipient else { return };
    match method.as_str() {
        "Target.attachedToTarget" => {
            if let Some(session) = params["sessionId"].as_str() {
                state.owner.insert(session.to_string(), client);
            }
        }
        "Target.detachedFromTarget" => {
            if let Some(session) = params["sessionId"].as_str() {
                state.owner.remove(session);
            }
        }
        _ => {}
    }
    state.send_to(client, message);
}

/// Asks the recorder behind a private address whether it is alive and recording: one
/// round trip over the channel, within `timeout`.
pub async fn recorder_status(private_url: &str, timeout: std::time::Duration) -> Result<Value> {
    ask_recorder(private_url, RECORDER_STATUS, json!({}), timeout).await
}

/// What the browser received for the tab's page, as the recorder kept it.
pub async fn page_archive(
    private_url: &str,
    tab: &str,
    timeout: std::time::Duration,
) -> Result<crate::archive::PageArchive> {
    let value = ask_recorder(private_url, PAGE_ARCHIVE, json!({ "tab": tab }), timeout).await?;
    serde_json::from_value(value)
        .map_err(|e| CaptureError::DevTools(format!("the recorder's page archive is not readable: {e}")))
}

/// One of the recorder's own methods, over its channel, within `timeout`. The answer may be
/// large (a page's bodies): no message-size limit on this connection.
async fn ask_recorder(private_url: &str, method: &str, params: Value, timeout: std::time::Duration) -> Result<Value> {
    let ask = async {
        let config = async_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(None)
            .max_frame_size(None);
        let (mut socket, _) = async_tungstenite::tokio::connect_async_with_config(private_url, Some(config))
            .await
            .map_err(|e| CaptureError::RecorderGone(format!("its channel does not answer ({e})")))?;
        socket
            .send(Message::text(json!({ "id": 1, "method": method, "params": params }).to_string()))
            .await
            .map_err(|e| CaptureError::RecorderGone(e.to_string()))?;
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                let reply: Value = serde_json::from_str(&text).unwrap_or_default();
                if reply["id"] == 1 {
                    let _ = socket.close(None).await;
                    return Ok(reply["result"].clone());
                }
            }
        }
        Err(CaptureError::RecorderGone("its channel closed without an answer".into()))
    };
    tokio::time::timeout(timeout, ask)
        .await
        .unwrap_or_else(|_| Err(CaptureError::RecorderGone("it did not answer in time".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("/devtools/browser/abc", "/devtools/browser/abc"));
        assert!(!same_secret("/devtools/browser/abd", "/devtools/browser/abc"));
        assert!(!same_secret("/devtools/browser/ab", "/devtools/browser/abc"));
        assert!(!same_secret("/json/version", "/devtools/browser/abc"));
    }

    fn state_with(clients: &[u64]) -> (HubState, HashMap<u64, UnboundedReceiver<String>>) {
        let mut state = HubState::default();
        let mut receivers = HashMap::new();
        for client in clients {
            let (tx, rx) = unbounded_channel();
            state.clients.insert(*client, tx);
            receivers.insert(*client, rx);
        }
        (state, receivers)
    }

    fn drain(rx: &mut UnboundedReceiver<String>) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(text) = rx.try_recv() {
            out.push(serde_json::from_str(&text).unwrap());
        }
        out
    }

    fn attached(session: &str, target: &str, kind: &str, waiting: bool) -> Value {
        json!({ "method": "Target.attachedToTarget", "params": {
            "sessionId": session, "waitingForDebugger": waiting,
            "targetInfo": { "targetId": target, "type": kind, "url": "", "openerId": "T0" },
        } })
    }

    #[test]
    fn the_bridge_holds_a_new_tab_until_its_events_are_on_and_lets_other_targets_go() {
        let (mut state, _) = state_with(&[1]);
        let (feed, mut events) = unbounded_channel();
        let mut tabs = Tabs { feed: Some(feed), max_resource_buffer: 1000, ..Default::default() };
        let (to_browser, sent) = std::sync::mpsc::channel::<String>();
        let sent_now = |sent: &std::sync::mpsc::Receiver<String>| -> Vec<Value> {
            sent.try_iter().map(|t| serde_json::from_str(&t).unwrap()).collect()
        };

        assert!(own_session(&mut state, &mut tabs, &to_browser, &attached("S1", "T1", "page", true)));
        let commands = sent_now(&sent);
        let methods: Vec<&str> = commands.iter().map(|c| c["method"].as_str().unwrap()).collect();
        assert_eq!(methods, ["Page.enable", "Network.enable", "Runtime.runIfWaitingForDebugger"], "let go last");
        assert!(commands.iter().all(|c| c["sessionId"] == "S1"));
        assert_eq!(commands[1]["params"]["maxResourceBufferSize"], 1000);
        match events.try_recv().unwrap() {
            TabEvent::Opened { tab, opener, before_recording, .. } => {
                assert_eq!((tab.as_str(), opener.as_deref(), before_recording), ("T1", Some("T0"), false));
            }
            _ => panic!("not an opened tab"),
        }
        // Its events go to the recorder's feed, never to a client.
        let event = json!({ "method": "Network.requestWillBeSent", "sessionId": "S1", "params": { "requestId": "r" } });
        assert!(own_session(&mut state, &mut tabs, &to_browser, &event));
        assert!(matches!(events.try_recv().unwrap(), TabEvent::Event { ref tab, .. } if tab == "T1"));

        // A worker is let run and left alone; a client's own attachment is the client's.
        assert!(own_session(&mut state, &mut tabs, &to_browser, &attached("S2", "W1", "worker", true)));
        let methods: Vec<String> = sent_now(&sent).iter().map(|c| c["method"].as_str().unwrap().to_string()).collect();
        assert_eq!(methods, ["Runtime.runIfWaitingForDebugger", "Target.detachFromTarget"]);
        state.attaching.entry("T1".into()).or_default().push_back(1);
        assert!(!own_session(&mut state, &mut tabs, &to_browser, &attached("S3", "T1", "page", false)));
    }

    #[test]
    fn replies_and_page_events_go_only_to_the_client_that_asked() {
        let (mut state, mut rx) = state_with(&[1, 2]);
        let (to_browser, browser) = std::sync::mpsc::channel();
        // Both clients attach to the same tab, each with its own command number 7.
        for client in [1u64, 2] {
            state.attaching.entry("T".into()).or_default().push_back(client);
            state.to_browser(
                &to_browser,
                Pending { client: Some(client), id: json!(7), attaching: Some("T".into()), ..Default::default() },
                json!({ "method": "Target.attachToTarget", "params": { "targetId": "T", "flatten": true } }),
            );
        }
        let sent: Vec<Value> = browser.try_iter().map(|t| serde_json::from_str(&t).unwrap()).collect();
        assert_ne!(sent[0]["id"], sent[1]["id"], "the browser sees two command numbers");
        from_browser(
            &mut state,
            &mut json!({ "method": "Target.attachedToTarget", "params": { "sessionId": "S1", "targetInfo": { "targetId": "T" } } }),
        );
        from_browser(
            &mut state,
            &mut json!({ "method": "Target.attachedToTarget", "params": { "sessionId": "S2", "targetInfo": { "targetId": "T" } } }),
        );
        from_browser(&mut state, &mut json!({ "id": sent[1]["id"], "result": { "sessionId": "S2" } }));
        from_browser(&mut state, &mut json!({ "method": "Page.frameNavigated", "sessionId": "S1", "params": {} }));
        let one = drain(rx.get_mut(&1).unwrap());
        let two = drain(rx.get_mut(&2).unwrap());
        assert_eq!(one.len(), 2, "{one:?}");
        assert_eq!(one[0]["params"]["sessionId"], "S1");
        assert_eq!(one[1]["method"], "Page.frameNavigated");
        assert_eq!(two.len(), 2, "{two:?}");
        assert_eq!(two[0]["params"]["sessionId"], "S2");
        assert_eq!(two[1]["id"], 7, "the reply carries the client's own number");
    }

    #[test]
    fn tab_events_go_to_clients_that_discover_targets() {
        let (mut state, mut rx) = state_with(&[1, 2]);
        state.discovering.insert(2);
        from_browser(
            &mut state,
            &mut json!({ "method": "Target.targetCreated", "params": { "targetInfo": { "targetId": "T", "type": "page" } } }),
        );
        assert!(drain(rx.get_mut(&1).unwrap()).is_empty());
        assert_eq!(drain(rx.get_mut(&2).unwrap()).len(), 1);
        assert!(state.targets.contains_key("T"), "the tab is known for a client that asks later");
        from_browser(&mut state, &mut json!({ "method": "Target.targetDestroyed", "params": { "targetId": "T" } }));
        assert!(state.targets.is_empty());
    }
}
