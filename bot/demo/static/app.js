// Nido demo: the page's behaviour. Messages are built from Telegram's entities
// with DOM calls (text nodes and a fixed set of elements): nothing a message
// holds is ever parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

const state = {
  people: [],          // as /api/state gives them, in order
  current: null,       // the id of the person whose phone is shown
  messages: new Map(), // the current chat's messages by id
  unread: new Map(),   // person id -> count
  timeZone: "Europe/Rome",
  now: null,
};

// ---- talking to the demo server ----

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, opts);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function fail(err) { toast(err.message || String(err)); }

// ---- formatting ----

function fmt(date, options) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: state.timeZone, ...options }).format(new Date(date));
}
const timeOf = (d) => fmt(d, { hour: "2-digit", minute: "2-digit" });
const dayOf = (d) => fmt(d, { weekday: "long", day: "numeric", month: "long", year: "numeric" });

// localInput is a date as an <input type="datetime-local"> shows it, on the network's clocks.
function localInput(date) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-GB", {
    timeZone: state.timeZone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(date))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "background") node.style.background = v; // CSSOM: the page's CSP forbids style attributes
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const palette = ["#c2185b", "#7b1fa2", "#3949ab", "#00897b", "#ef6c00", "#6d4c41", "#1e88e5", "#5e35b1", "#43a047"];
function avatar(person) {
  const initials = person.name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  return el("span", { class: "avatar", "aria-hidden": "true", background: palette[person.id % palette.length] }, initials);
}

// safeURL returns href when it is a web or Telegram link, otherwise null.
function safeURL(href) {
  try {
    const u = new URL(href);
    return ["http:", "https:", "tg:"].includes(u.protocol) ? u.href : null;
  } catch { return null; }
}

// ---- rendering a text from its entities ----

const entityTags = {
  bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
  blockquote: "blockquote", expandable_blockquote: "blockquote",
};

// renderText builds text with its entities (offsets in UTF-16 units, like JavaScript's).
function renderText(text, entities, fromBot) {
  const frag = document.createDocumentFragment();
  const ents = (entities || [])
    .filter((e) => e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  fill(frag, text, 0, text.length, ents, fromBot);
  return frag;
}

function fill(parent, text, start, end, ents, fromBot) {
  let pos = start;
  let i = 0;
  while (i < ents.length) {
    const e = ents[i];
    if (e.offset < pos) { i++; continue; } // overlaps the previous one: Telegram never sends that
    const eEnd = e.offset + e.length;
    plainText(parent, text.slice(pos, e.offset), fromBot);
    const inner = [];
    let j = i + 1;
    for (; j < ents.length && ents[j].offset < eEnd; j++) if (ents[j].offset + ents[j].length <= eEnd) inner.push(ents[j]);
    const [outer, body] = entityElement(e, text.slice(e.offset, eEnd));
    fill(body, text, e.offset, eEnd, inner, fromBot && !outer.matches("a,code,pre"));
    parent.append(outer);
    pos = eEnd;
    i = j;
  }
  plainText(parent, text.slice(pos, end), fromBot);
}

// entityElement returns the element for an entity and the one to fill.
function entityElement(e, content) {
  if (entityTags[e.type]) {
    const node = el(entityTags[e.type]);
    if (e.type === "code") {
      node.title = "Copy";
      node.addEventListener("click", () => copy(node.textContent));
    }
    return [node, node];
  }
  switch (e.type) {
    case "pre": { const code = el("code"); return [el("pre", {}, code), code]; }
    case "spoiler": {
      const node = el("span", { class: "spoiler", tabindex: "0", role: "button", "aria-label": "Hidden text: show" });
      const show = () => { node.classList.add("shown"); node.removeAttribute("role"); node.removeAttribute("aria-label"); };
      node.addEventListener("click", show);
      node.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") show(); });
      return [node, node];
    }
    case "text_link":
    case "url": {
      const href = safeURL(e.type === "url" ? content : e.url);
      if (!href) { const s = el("span"); return [s, s]; }
      const a = link(href);
      return [a, a];
    }
  }
  const s = el("span");
  return [s, s];
}

// Links and /commands inside plain text, as Telegram apps find them.
const autoPattern = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'\]])|(?<![\w/])(\/[a-zA-Z0-9_]{1,32})(?![\w/])/g;

function plainText(parent, s, fromBot) {
  if (!s) return;
  let last = 0;
  for (const m of s.matchAll(autoPattern)) {
    parent.append(s.slice(last, m.index));
    if (m[1]) {
      const href = safeURL(m[1]);
      parent.append(href ? link(href, m[1]) : m[1]);
    } else if (fromBot) {
      const cmd = m[2];
      parent.append(el("button", { type: "button", class: "linkish", onclick: () => send(cmd) }, cmd));
    } else {
      parent.append(m[2]);
    }
    last = m.index + m[0].length;
  }
  parent.append(s.slice(last));
}

// link opens a web page in a new tab; an invite link to the bot opens the
// invite on the phone of the person not signed up yet, as Telegram would.
function link(href, text) {
  const a = el("a", { href, target: "_blank", rel: "noopener noreferrer" }, text === undefined ? null : text);
  const invite = href.match(/^https:\/\/t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})$/);
  if (invite) {
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      const newcomer = state.people.find((p) => !p.signedUp);
      if (!newcomer) { toast("Everybody has signed up already."); return; }
      selectPerson(newcomer.id).then(() => {
        const box = $("composer-text");
        box.value = "/start " + invite[1];
        box.focus();
        toast(`The invite opened on ${newcomer.name}'s phone: press Send to start.`);
      });
    });
  }
  return a;
}

async function copy(text) {
  try { await navigator.clipboard.writeText(text); toast("Copied: " + text); } catch { /* not allowed here */ }
}

function size(n) { return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`; }

// ---- one message ----

function messageElement(m) {
  const fromBot = m.from === "bot";
  const bubble = el("div", { class: "bubble" });
  if (m.document) {
    bubble.append(el("a", { class: "doc", href: m.document.url, download: m.document.name },
      el("span", { class: "doc-icon", "aria-hidden": "true" }, "📎"),
      el("span", {}, el("span", { class: "doc-name" }, m.document.name),
        el("span", { class: "doc-size" }, `${size(m.document.size)} · download`))));
  }
  if (m.text) {
    const text = el("div", { class: "text", dir: "auto" });
    text.append(renderText(m.text, m.entities, fromBot));
    bubble.append(text);
  }
  bubble.append(el("span", { class: "meta" }, (m.edited ? "edited " : "") + timeOf(m.date)));
  const hasKeyboard = m.buttons && m.buttons.length > 0;
  const node = el("div", { class: "msg " + (fromBot ? "bot" : "me") + (hasKeyboard ? " has-kb" : ""), "data-id": m.id }, bubble);
  if (hasKeyboard) node.append(inlineKeyboard(m));
  return node;
}

function inlineKeyboard(m) {
  const kb = el("div", { class: "kb", role: "group", "aria-label": "Buttons" });
  for (const row of m.buttons) {
    const r = el("div", { class: "kb-row" });
    for (const b of row) {
      if (b.url) {
        const href = safeURL(b.url);
        r.append(href ? el("a", { class: "kb-btn", href, target: "_blank", rel: "noopener noreferrer", dir: "auto" },
          b.text, el("span", { class: "ext", "aria-hidden": "true" }, "↗")) : el("span", { class: "kb-btn" }, b.text));
      } else {
        const btn = el("button", { type: "button", class: "kb-btn", dir: "auto" }, b.text);
        btn.addEventListener("click", () => press(m.id, b.data, btn));
        r.append(btn);
      }
    }
    kb.append(r);
  }
  return kb;
}

// ---- the chat ----

function clearChat() {
  state.messages.clear();
  $("messages").replaceChildren();
}

// showMessage adds or replaces one message of the current chat.
function showMessage(m) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  for (const hint of box.querySelectorAll(".welcome")) hint.remove();
  const old = box.querySelector(`.msg[data-id="${m.id}"]`);
  state.messages.set(m.id, m);
  const node = messageElement(m);
  if (old) {
    old.replaceWith(node);
  } else {
    const later = [...box.querySelectorAll(".msg")].find((n) => Number(n.dataset.id) > m.id);
    const prev = [...state.messages.values()].filter((x) => x.id < m.id).sort((a, b) => b.id - a.id)[0];
    if (!later && (!prev || dayOf(prev.date) !== dayOf(m.date))) box.append(el("div", { class: "day" }, dayOf(m.date)));
    later ? later.before(node) : box.append(node);
  }
  if (atBottom || m.from === "person") box.scrollTop = box.scrollHeight;
  replyKeyboard();
}

function removeMessage(id) {
  state.messages.delete(id);
  const node = $("messages").querySelector(`.msg[data-id="${id}"]`);
  if (node) node.remove();
  replyKeyboard();
}

// replyKeyboard shows the keyboard of the bot's latest message that has one.
function replyKeyboard() {
  const box = $("reply-keyboard");
  const m = [...state.messages.values()].filter((x) => x.from === "bot" && x.keyboard && x.keyboard.length)
    .sort((a, b) => b.id - a.id)[0];
  box.replaceChildren();
  box.hidden = !m;
  if (!m) return;
  for (const row of m.keyboard) {
    box.append(el("div", { class: "kb-row" }, ...row.map((label) =>
      el("button", { type: "button", class: "kb-btn", dir: "auto", onclick: () => send(label) }, label))));
  }
}

async function selectPerson(id) {
  const person = state.people.find((p) => p.id === id);
  if (!person) return;
  state.current = id;
  state.unread.delete(id);
  history.replaceState(null, "", "#p" + id);
  $("app").classList.add("in-chat");
  closeCommands();
  renderPeople();
  renderHead(person);
  for (const c of ["composer-text", "send", "commands-button"]) $(c).disabled = false;
  $("composer-text").placeholder = "Message";
  $("composer-label").textContent = `Message to Nido, as ${person.name}`;
  try {
    const chat = await api(`/api/chats/${id}`);
    if (state.current !== id) return;
    clearChat();
    for (const m of chat.messages) showMessage(m);
    if (!chat.messages.length) {
      $("messages").append(el("div", { class: "welcome" },
        el("p", {}, `${person.name} has not written to Nido yet.`),
        el("p", {}, person.signedUp ? "Write /menu to begin." : "Write /start followed by an invite code from a social worker.")));
    }
    $("messages").scrollTop = $("messages").scrollHeight;
    replyKeyboard();
  } catch (err) { fail(err); }
}

function renderHead(person) {
  const playing = $("playing");
  playing.hidden = false;
  playing.replaceChildren(`On ${person.name}'s phone · ${person.roleLabel} · `,
    el("span", { title: person.langName }, `${person.flag} ${person.langName}`));
}

// ---- the people ----

const groups = [
  ["admin", "Network"], ["staff", "Social workers"], ["mother", "Mothers"], ["family", "Solidarity families"], ["", "Not in Nido yet"],
];

function renderPeople() {
  const list = $("people-list");
  const focused = document.activeElement && document.activeElement.closest(".person");
  list.replaceChildren();
  for (const [role, title] of groups) {
    const members = state.people.filter((p) => (p.role || "") === role);
    if (!members.length) continue;
    list.append(el("li", { class: "group-title" }, title));
    for (const p of members) list.append(el("li", {}, personButton(p)));
  }
  // Rebuilding the list must not take the keyboard's focus away.
  if (focused) {
    const again = list.querySelector(`.person[data-id="${focused.dataset.id}"]`);
    if (again) again.focus();
  }
}

function personButton(p) {
  const unread = state.unread.get(p.id) || 0;
  const preview = p.last ? (p.last.from === "person" ? "You: " : "") + (p.last.text || (p.last.document && "📎 " + p.last.document.name) || "") : p.about;
  const btn = el("button", {
    type: "button", class: "person" + (p.signedUp ? "" : " newcomer"), "data-id": p.id,
    "aria-current": state.current === p.id ? "true" : "false",
    onclick: () => selectPerson(p.id),
  },
  avatar(p),
  el("span", { class: "person-main" },
    el("span", { class: "person-name" }, el("span", {}, p.name), el("span", { class: "flag", title: p.langName }, p.flag)),
    el("span", { class: "person-role" }, p.roleLabel),
    el("span", { class: "person-preview", dir: "auto" }, preview)),
  el("span", { class: "person-side" },
    p.last ? el("span", {}, timeOf(p.last.date)) : null,
    unread ? el("span", { class: "unread", "aria-label": `${unread} new` }, String(unread)) : null));
  return btn;
}

// ---- acting as the person ----

async function send(text) {
  if (state.current === null) return;
  try { await api(`/api/chats/${state.current}/text`, { text }); } catch (err) { fail(err); }
}

async function press(messageId, data, btn) {
  btn.classList.add("busy");
  try { await api(`/api/chats/${state.current}/press`, { messageId, data }); } catch (err) { fail(err); }
  setTimeout(() => btn.classList.remove("busy"), 600);
}

async function openCommands() {
  const box = $("commands");
  try {
    const chat = await api(`/api/chats/${state.current}`);
    const list = $("commands-list");
    list.replaceChildren(...chat.commands.map((c) => el("li", {},
      el("button", { type: "button", class: "command", onclick: () => { closeCommands(); send("/" + c.command); } },
        el("b", {}, "/" + c.command), el("span", { dir: "auto" }, c.description)))));
    box.hidden = false;
    $("commands-button").setAttribute("aria-expanded", "true");
    const first = list.querySelector("button");
    if (first) first.focus();
  } catch (err) { fail(err); }
}

function closeCommands() {
  $("commands").hidden = true;
  $("commands-button").setAttribute("aria-expanded", "false");
}

// ---- the clock, the seed, toasts ----

function showClock(c) {
  state.now = c.now;
  state.timeZone = c.timeZone;
  $("clock-now").textContent = fmt(c.now, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  $("clock-now").dateTime = c.now;
  $("clock-zone").textContent = c.timeZone.replace(/^.*\//, "").replace(/_/g, " ");
  const input = $("jump-to");
  input.min = localInput(c.now);
  if (!input.value || input.value < input.min) input.value = input.min;
}

function showSeed(s) {
  const banner = $("seed-banner");
  banner.hidden = s.done && !s.failed;
  banner.textContent = !s.done ? "Setting up Casa Aurora: the people are signing up through Nido, as they would on Telegram…"
    : `${s.failed} step(s) of setting up the demo did not work; the rest of the demo is ready.`;
}

let toastTimer;
function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 3500);
}

async function moveClock(body) {
  try { showClock(await api("/api/clock", body)); } catch (err) { fail(err); }
}

// ---- live events ----

let typingTimer;
function listen() {
  const es = new EventSource("/api/events");
  es.addEventListener("hello", () => load());
  es.addEventListener("message", (ev) => {
    const { chat, message } = JSON.parse(ev.data);
    const p = state.people.find((x) => x.id === chat);
    if (p) p.last = message;
    if (chat === state.current) showMessage(message);
    else if (message.from === "bot" && !message.edited) state.unread.set(chat, (state.unread.get(chat) || 0) + 1);
    if (chat === state.current && message.from === "bot") setTyping(false);
    renderPeople();
  });
  es.addEventListener("deleted", (ev) => {
    const { chat, id } = JSON.parse(ev.data);
    if (chat === state.current) removeMessage(id);
  });
  es.addEventListener("answer", (ev) => {
    const a = JSON.parse(ev.data);
    if (a.chat === state.current) toast(a.text);
  });
  es.addEventListener("action", (ev) => {
    const a = JSON.parse(ev.data);
    if (a.chat === state.current) setTyping(true);
  });
  es.addEventListener("clock", (ev) => showClock(JSON.parse(ev.data)));
  es.addEventListener("seed", (ev) => showSeed(JSON.parse(ev.data)));
  es.addEventListener("person", (ev) => {
    const v = JSON.parse(ev.data);
    const i = state.people.findIndex((p) => p.id === v.id);
    if (i < 0) return;
    state.people[i] = { ...state.people[i], ...v, last: state.people[i].last };
    renderPeople();
    if (v.id === state.current) renderHead(state.people[i]);
  });
}

function setTyping(on) {
  const s = $("chat-status");
  s.textContent = on ? "typing…" : "bot";
  s.classList.toggle("typing", on);
  clearTimeout(typingTimer);
  if (on) typingTimer = setTimeout(() => setTyping(false), 5000);
}

// load reads everything again: at start and whenever the event stream reopens.
async function load() {
  try {
    const s = await api("/api/state");
    state.people = s.people;
    showClock(s.clock);
    showSeed(s.seed);
    renderPeople();
    if (state.current !== null) await selectPerson(state.current);
  } catch (err) { fail(err); }
}

// ---- wiring ----

function wire() {
  $("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const box = $("composer-text");
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    box.style.height = "";
    send(text);
  });
  $("composer-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer-text").addEventListener("input", (ev) => {
    ev.target.style.height = "";
    ev.target.style.height = Math.min(ev.target.scrollHeight + 2, 160) + "px";
  });
  $("commands-button").addEventListener("click", () => ($("commands").hidden ? openCommands() : closeCommands()));
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !$("commands").hidden) { closeCommands(); $("commands-button").focus(); }
  });
  $("back").addEventListener("click", () => { $("app").classList.remove("in-chat"); });
  $("plus-hour").addEventListener("click", () => moveClock({ advance: "1h" }));
  $("plus-day").addEventListener("click", () => moveClock({ advance: "24h" }));
  $("jump").addEventListener("submit", (ev) => { ev.preventDefault(); moveClock({ set: $("jump-to").value }); });
  const fromHash = Number((location.hash.match(/^#p(\d+)$/) || [])[1]);
  if (fromHash) state.current = fromHash;
  listen();
}

wire();
