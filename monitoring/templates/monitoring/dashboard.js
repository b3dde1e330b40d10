// Proctor dashboard: one socket per exam; snapshot, then sequenced live events; commands to learners.
// The server decides (docs/monitoring.md): time remaining, legal commands, risk (aged here by its half-life).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("monitoring-config").textContent);
  const $ = (id) => document.getElementById(id);
  const tbody = $("sessions");
  const sessions = new Map(); // sid → model
  const rows = new Map(); // sid → <tr>, only for the rows in the scrolled window (the table is virtual)
  const dirty = new Set();
  let view = []; // sids that pass the filter and search, in display order
  const wrap = document.querySelector(".table-wrap");
  let rowHeight = 36;
  let groups = { running: ["started", "ready_to_submit"], submitted: [], error: ["error"] };
  let halfLife = 300;
  let lastSeq = null; // everything up to here was applied
  const ahead = new Set(); // applied seqs above lastSeq
  let socket = null;
  let attempt = 0;
  let reorderAt = 0;
  let reorderTimer = null;
  let selected = null; // sid shown in the detail panel
  let timelineSeqs = new Set();
  let timelineReady = false;
  let pendingTail = [];
  let pendingCommand = null;
  const stats = { applied: 0, lastSeq: 0, snapshotRendered: 0 };
  window.proctorDashboard = { stats, sendCommand: (sid, action, extra) => sendCommand(sid, action, extra || {}) };

  const RANK = { sent: 0, delivered: 1, acknowledged: 2, failed: 3 };
  const PRESENCE_ORDER = { offline: 0, stale: 1, online: 2 };
  const PRESENCE_ICON = { online: "● online", stale: "◐ stale", offline: "○ offline" };

  function setStatus(state, text) { const s = $("status"); s.dataset.state = state; s.textContent = text; }
  const running = (s) => groups.running.includes(s.attempt_status);

  // --- model ----------------------------------------------------------------------------------------
  function model(raw, now) {
    const s = Object.assign({}, raw);
    s.risk_at = now;
    setClock(s, raw.remaining_s, raw.paused, now);
    s.search = ((s.full_name || "") + " " + s.username).toLowerCase();
    return s;
  }
  function setClock(s, remaining, paused, now) {
    s.paused = !!paused;
    s.remaining_s = remaining || 0;
    s.deadline = running(s) && !s.paused ? now + s.remaining_s * 1000 : null;
  }
  function remaining(s, now) {
    if (!running(s)) return 0;
    if (s.deadline === null) return s.remaining_s;
    return Math.max(0, (s.deadline - now) / 1000);
  }
  function risk(s, now) { return s.risk * Math.pow(0.5, (now - s.risk_at) / 1000 / halfLife); }
  function riskLabel(value) { return value >= 1.5 ? "high" : value >= 0.5 ? "medium" : "low"; }
  function clock(seconds) {
    const t = Math.round(seconds), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(sec).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }
  function timeText(s, now) {
    if (!running(s)) return "—";
    return clock(remaining(s, now)) + (s.paused ? " (paused)" : "");
  }
  function matches(s, filter) {
    switch (filter) {
      case "all": return true;
      case "online": case "stale": case "offline": return s.presence === filter;
      case "flagged": return s.flagged;
      case "paused": return s.paused && running(s);
      case "submitted": return groups.submitted.includes(s.attempt_status);
      case "error": return groups.error.includes(s.attempt_status);
    }
    return true;
  }

  // --- rows -----------------------------------------------------------------------------------------
  function makeRow(sid) {
    const tr = document.createElement("tr");
    tr.id = "s-" + sid;
    tr.dataset.sid = sid;
    tr.setAttribute("aria-selected", "false");
    tr.innerHTML = '<td class="who"><button type="button"></button></td><td class="presence"></td>' +
      '<td class="risk num"></td><td class="time num"></td><td class="status"></td><td class="anomaly"></td>' +
      '<td class="command"></td>';
    tr.querySelector(".who button").addEventListener("click", () => openDetail(sid));
    rows.set(sid, tr);
    return tr;
  }
  function renderRow(sid, now) {
    const s = sessions.get(sid), tr = rows.get(sid);
    const name = s.full_name ? s.full_name + " (" + s.username + ")" : s.username || sid.slice(0, 8);
    const who = tr.firstChild.firstChild;
    if (who.textContent !== name) { who.textContent = name; who.setAttribute("aria-label", "Open " + name); }
    const presence = tr.children[1];
    presence.textContent = PRESENCE_ICON[s.presence] + (s.flagged ? " ⚑ flagged" : "");
    presence.className = "presence p-" + s.presence + (s.flagged ? " flag" : "");
    renderTicking(s, tr, now);
    tr.children[4].textContent = s.attempt_status + (s.paused && running(s) ? " · paused" : "");
    const a = s.anomalies[0];
    tr.children[5].textContent = a ? a.data.kind + " " + a.data.severity.toFixed(2) : "";
    const c = s.last_command;
    const cell = tr.children[6];
    cell.textContent = c ? c.action + " · " + c.state : "";
    cell.className = "command" + (c ? " st-" + c.state : "");
    if (c && c.detail) cell.title = c.detail;
  }
  function renderTicking(s, tr, now) {
    const value = risk(s, now), label = riskLabel(value);
    const riskCell = tr.children[2];
    const text = value.toFixed(2) + " " + label;
    if (riskCell.textContent !== text) { riskCell.textContent = text; riskCell.className = "risk num risk-" + label; }
    const time = timeText(s, now);
    if (tr.children[3].textContent !== time) tr.children[3].textContent = time;
  }

  function sortKey() { return $("sort").value; }
  function sortKeys(shown, now) { // one key per session, computed once per sort (not once per comparison)
    const key = sortKey();
    if (key === "risk") return shown.map((s) => [-risk(s, now), s.search, s.sid]);
    if (key === "presence") return shown.map((s) => [PRESENCE_ORDER[s.presence] * 2 + (s.flagged ? 0 : 1), s.search, s.sid]);
    if (key === "time") return shown.map((s) => [running(s) ? remaining(s, now) : Infinity, s.search, s.sid]);
    return shown.map((s) => [0, s.search, s.sid]);
  }
  const byKey = (a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  function reorder() { // filter, search and sort the model, then draw the rows in view
    if (reorderTimer) { clearTimeout(reorderTimer); reorderTimer = null; }
    reorderAt = performance.now();
    const now = Date.now(), filter = $("filter").value, query = $("search").value.trim().toLowerCase();
    const shown = [];
    for (const s of sessions.values()) if (matches(s, filter) && (!query || s.search.includes(query))) shown.push(s);
    view = sortKeys(shown, now).sort(byKey).map((k) => k[2]);
    $("shown").textContent = view.length + " of " + sessions.size + " learners shown";
    tbody.parentElement.setAttribute("aria-rowcount", String(view.length + 1));
    document.querySelectorAll("#counts button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.filter === filter)));
    document.querySelectorAll("th[data-sort]").forEach((th) => {
      if (th.dataset.sort === sortKey()) th.setAttribute("aria-sort", sortKey() === "risk" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    drawWindow();
  }
  const applyFilter = reorder;
  function scheduleReorder() { // live changes re-sort at most every 2 s, so rows do not jump under the pointer
    if (reorderTimer) return;
    reorderTimer = setTimeout(reorder, Math.max(0, 2000 - (performance.now() - reorderAt)));
  }
  function spacer(height) {
    const tr = document.createElement("tr");
    tr.className = "spacer";
    tr.setAttribute("aria-hidden", "true");
    tr.innerHTML = '<td colspan="7"></td>';
    tr.firstChild.style.height = height + "px";
    tr.firstChild.style.padding = "0";
    tr.firstChild.style.border = "0";
    return tr;
  }
  function drawWindow() { // only the rows in (and near) the scrolled window are in the DOM
    const now = Date.now();
    const first = Math.max(0, Math.floor(wrap.scrollTop / rowHeight) - 10);
    const last = Math.min(view.length, first + Math.ceil(wrap.clientHeight / rowHeight) + 20);
    const wanted = view.slice(first, last);
    const keep = new Set(wanted);
    for (const [sid, tr] of rows) if (!keep.has(sid)) { tr.remove(); rows.delete(sid); }
    const fragment = document.createDocumentFragment();
    fragment.appendChild(spacer(first * rowHeight));
    wanted.forEach((sid, i) => {
      let tr = rows.get(sid);
      if (!tr) { tr = makeRow(sid); renderRow(sid, now); }
      tr.setAttribute("aria-rowindex", String(first + i + 2));
      tr.setAttribute("aria-selected", String(sid === selected));
      fragment.appendChild(tr);
    });
    fragment.appendChild(spacer((view.length - last) * rowHeight));
    tbody.textContent = "";
    tbody.appendChild(fragment);
    const sample = rows.get(wanted[0]);
    if (sample && sample.offsetHeight) rowHeight = sample.offsetHeight;
  }
  function renderCounts() {
    const counts = { online: 0, stale: 0, offline: 0, flagged: 0, paused: 0, submitted: 0, error: 0 };
    for (const s of sessions.values()) for (const key in counts) if (matches(s, key)) counts[key]++;
    for (const key in counts) { const el = $("count-" + key); if (el && el.textContent !== String(counts[key])) el.textContent = counts[key]; }
  }

  let frame = 0;
  function markDirty(sid) {
    dirty.add(sid);
    if (!frame) frame = requestAnimationFrame(flush);
  }
  function flush() {
    frame = 0;
    const now = Date.now();
    for (const sid of dirty) if (rows.has(sid)) renderRow(sid, now);
    dirty.clear();
    renderCounts();
    scheduleReorder();
    if (selected) renderDetail();
  }

  // --- events ---------------------------------------------------------------------------------------
  function session(sid) {
    if (!sessions.has(sid)) {
      sessions.set(sid, model({ sid, username: "", full_name: "", presence: "offline", attempt_status: "started", paused: false,
        remaining_s: 0, commands: [], flagged: false, anomalies: [], risk: 0, last_command: null }, Date.now()));
    }
    return sessions.get(sid);
  }
  function apply(event) {
    const s = session(event.sid), d = event.data, now = Date.now();
    if (event.type === "anomaly") {
      s.anomalies.unshift(event); s.anomalies.length = Math.min(s.anomalies.length, 5);
      s.risk = risk(s, now) + (d.severity || 0); s.risk_at = now;
    } else if (event.type === "presence") { s.presence = d.kind; s.flagged = !!d.flagged; }
    else if (event.type === "status" || event.type === "clock") {
      if (event.type === "status") s.attempt_status = d.kind;
      if ("remaining_s" in d) setClock(s, d.remaining_s, d.paused, now);
      else if (!running(s)) setClock(s, 0, false, now);
      if (d.commands) s.commands = d.commands;
    } else if (event.type === "command") {
      s.last_command = { seq: event.seq, action: d.kind, state: "sent", ts: event.ts };
    } else if (event.type === "receipt") {
      const c = s.last_command;
      if (c && c.seq === d.command_seq && RANK[d.kind] > RANK[c.state]) { c.state = d.kind; if (d.detail) c.detail = d.detail; }
    }
    stats.applied++;
    markDirty(event.sid);
    if (event.sid === selected) addToTimeline(event);
  }
  function onMessage(message) {
    if (message.type === "snapshot") {
      const now = Date.now();
      groups = message.data.status_groups || groups;
      halfLife = message.data.risk_half_life_s || halfLife;
      sessions.clear(); rows.clear();
      for (const raw of message.data.sessions) sessions.set(raw.sid, model(raw, now));
      lastSeq = message.seq;
      ahead.clear();
      reorder(); renderCounts();
      if (selected && sessions.has(selected)) openDetail(selected, false);
      setStatus("live", "Live · " + sessions.size + " sessions");
      if (!stats.snapshotRendered) { stats.snapshotRendered = performance.now(); performance.mark("snapshot-rendered"); }
    } else if (message.type === "resumed") {
      lastSeq = message.seq;
      setStatus("live", "Live · " + sessions.size + " sessions");
    } else if (message.type === "gap") {
      setStatus("resync", "Resynchronising…");
    } else if (message.type === "command_result") {
      onCommandResult(message.data);
    } else if (typeof message.seq === "number" && message.sid) {
      // events may arrive out of seq order (several server processes); the server fills holes itself
      if (lastSeq === null || message.seq <= lastSeq || ahead.has(message.seq)) return;
      ahead.add(message.seq);
      while (ahead.has(lastSeq + 1)) ahead.delete(++lastSeq);
      apply(message);
      stats.lastSeq = lastSeq; // everything up to here is applied
    }
  }

  // --- detail panel ---------------------------------------------------------------------------------
  function openDetail(sid, focus = true) {
    if (selected && rows.has(selected)) rows.get(selected).setAttribute("aria-selected", "false");
    const changed = selected !== sid;
    selected = sid;
    if (rows.has(sid)) rows.get(sid).setAttribute("aria-selected", "true");
    $("detail").hidden = false;
    if (changed) { $("command-feedback").textContent = ""; loadTimeline(sid); }
    renderDetail();
    if (focus) $("detail-title").focus();
  }
  function renderDetail() {
    const s = sessions.get(selected), now = Date.now();
    if (!s) return;
    $("detail-title").textContent = s.full_name ? s.full_name + " (" + s.username + ")" : s.username;
    $("detail-presence").textContent = PRESENCE_ICON[s.presence] + (s.flagged ? " · ⚑ flagged (heartbeats lost)" : "");
    $("detail-status").textContent = s.attempt_status + (s.paused && running(s) ? " · clock paused" : "");
    $("detail-time").textContent = running(s) ? timeText(s, now) : "— (attempt not running)";
    const value = risk(s, now);
    $("detail-risk").textContent = value.toFixed(2) + " (" + riskLabel(value) + ")";
    const box = $("detail-commands");
    const wanted = selected + ":" + s.attempt_status + ":" + (s.commands || []).join(",");
    if (box.dataset.commands !== wanted) {
      box.dataset.commands = wanted;
      box.textContent = "";
      for (const action of s.commands || []) {
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.action = action;
        button.textContent = action[0].toUpperCase() + action.slice(1);
        button.addEventListener("click", () => askCommand(selected, action));
        box.appendChild(button);
      }
      if (!box.children.length) box.textContent = "No commands: the attempt is " + s.attempt_status + ".";
    }
  }
  const TYPE_LABEL = { anomaly: "Anomaly", presence: "Presence", status: "Status", clock: "Clock", command: "Command" };
  function describe(event) {
    const d = event.data;
    if (event.type === "anomaly") {
      return [d.kind + " · confidence " + Number(d.severity).toFixed(2), d.evidence ? "Evidence: " + d.evidence : ""];
    }
    if (event.type === "presence") return [d.kind + (d.flagged ? " · flagged" : ""), ""];
    if (event.type === "status") return [(d.from ? d.from + " → " : "") + d.kind, d.action ? "by " + d.actor + " (" + d.action + ")" : ""];
    if (event.type === "clock") return [d.kind, "remaining_s" in d ? clock(d.remaining_s) + " left" : ""];
    if (event.type === "command") {
      const extra = d.message ? "“" + d.message + "”" : d.reason ? "Reason: " + d.reason : "";
      return [d.kind + " · sent", (d.by ? "by " + d.by + " " : "") + extra];
    }
    return null;
  }
  function addToTimeline(event) {
    if (!timelineReady) { pendingTail.push(event); return; }
    if (timelineSeqs.has(event.seq)) return;
    timelineSeqs.add(event.seq);
    if (event.type === "receipt") return updateCommandState(event);
    const text = describe(event);
    if (!text) return;
    const li = document.createElement("li");
    li.dataset.seq = event.seq;
    li.dataset.type = event.type;
    const at = new Date(event.ts);
    li.innerHTML = '<time></time><span><span class="kind"></span> <span class="what"></span><span class="evidence"></span></span>';
    li.querySelector("time").dateTime = at.toISOString();
    li.querySelector("time").textContent = at.toLocaleTimeString([], { hour12: false });
    li.querySelector(".kind").textContent = TYPE_LABEL[event.type] + ":";
    li.querySelector(".what").textContent = text[0];
    li.querySelector(".evidence").textContent = text[1];
    if (event.type === "command") { li.dataset.state = "sent"; li.dataset.action = event.data.kind; }
    const list = $("timeline");
    const later = Array.from(list.children).find((item) => Number(item.dataset.seq) > event.seq);
    list.insertBefore(li, later || null);
  }
  function updateCommandState(event) {
    const li = document.querySelector('#timeline li[data-seq="' + event.data.command_seq + '"]');
    if (!li || RANK[event.data.kind] <= RANK[li.dataset.state]) return;
    li.dataset.state = event.data.kind;
    const what = li.querySelector(".what");
    what.textContent = li.dataset.action + " · " + event.data.kind + (event.data.detail ? " (" + event.data.detail + ")" : "");
    what.className = "what st-" + event.data.kind;
  }
  async function loadTimeline(sid) {
    $("timeline").textContent = "";
    timelineSeqs = new Set(); timelineReady = false; pendingTail = [];
    const events = [];
    let after = 0;
    for (;;) {
      const url = "/api/v1/proctoring/monitor/exams/" + config.examId + "/events?session_id=" + sid + "&after=" + after + "&limit=" + config.pageSize;
      const response = await fetch(url, { credentials: "same-origin", headers: { "USE-JWT-COOKIE": "true" } });
      if (!response.ok || selected !== sid) return;
      const page = await response.json();
      events.push(...page.events);
      if (!page.has_more || !page.events.length) break;
      after = page.events[page.events.length - 1].seq;
    }
    timelineReady = true;
    for (const event of events.concat(pendingTail)) addToTimeline(event);
    pendingTail = [];
    $("timeline").dataset.loaded = "true";
  }

  // --- commands -------------------------------------------------------------------------------------
  function askCommand(sid, action) {
    if (action === "warn") {
      const dialog = $("warn-dialog");
      dialog.onclose = () => { if (dialog.returnValue === "send") sendCommand(sid, "warn", { message: $("warn-message").value }); };
      dialog.returnValue = ""; dialog.showModal(); $("warn-message").focus();
    } else if (action === "terminate") {
      const dialog = $("terminate-dialog");
      $("terminate-reason").value = "";
      dialog.onclose = () => {
        const reason = $("terminate-reason").value.trim();
        if (dialog.returnValue === "terminate" && reason) sendCommand(sid, "terminate", { reason });
      };
      dialog.returnValue = ""; dialog.showModal(); $("terminate-reason").focus();
    } else {
      sendCommand(sid, action, {});
    }
  }
  function sendCommand(sid, action, extra) {
    if (!socket || socket.readyState !== WebSocket.OPEN) { $("command-feedback").textContent = "Not connected: try again."; return; }
    pendingCommand = { sid, action };
    $("command-feedback").textContent = action + ": sending…";
    socket.send(JSON.stringify({ type: "command", data: Object.assign({ session_id: sid, action }, extra) }));
  }
  function onCommandResult(result) {
    const feedback = $("command-feedback");
    if (result.session_id !== selected) return;
    feedback.className = result.ok ? "" : "st-failed";
    feedback.textContent = result.ok ? result.action + ": sent (see the timeline for delivery)" : result.action + " failed: " + result.detail;
    pendingCommand = null;
  }

  // --- wiring ---------------------------------------------------------------------------------------
  let scrolling = 0;
  wrap.addEventListener("scroll", () => { if (!scrolling) scrolling = requestAnimationFrame(() => { scrolling = 0; drawWindow(); }); });
  $("search").addEventListener("input", applyFilter);
  $("filter").addEventListener("change", applyFilter);
  $("sort").addEventListener("change", reorder);
  document.querySelectorAll("#counts button").forEach((b) => b.addEventListener("click", () => {
    $("filter").value = $("filter").value === b.dataset.filter ? "all" : b.dataset.filter;
    applyFilter();
  }));
  setInterval(() => { // clocks and risk age every second; only changed text is written
    const now = Date.now();
    for (const [sid, tr] of rows) renderTicking(sessions.get(sid), tr, now);
    if (selected) renderDetail();
  }, 1000);

  async function connect() {
    setStatus("connecting", "Connecting…");
    const response = await fetch("/api/v1/proctoring/monitor/exams/" + config.examId + "/ws_ticket", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrfToken, "Content-Type": "application/json", "USE-JWT-COOKIE": "true" },
    });
    if (response.status === 401 || response.status === 403) { setStatus("denied", "Not allowed: sign in again."); return; }
    if (!response.ok) throw new Error("ticket " + response.status);
    const { ticket, ws_path: path } = await response.json();
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const resume = lastSeq === null ? "" : "&after=" + lastSeq;
    socket = new WebSocket(scheme + location.host + path + "?ticket=" + encodeURIComponent(ticket) + resume);
    socket.onopen = () => { attempt = 0; };
    socket.onmessage = (e) => onMessage(JSON.parse(e.data));
    socket.onclose = (e) => {
      if (e.code === 4403) { setStatus("denied", "Forbidden: " + (e.reason || "not course staff")); return; }
      reconnect();
    };
  }
  function reconnect() {
    // exponential backoff with full jitter: 0.5 s base, ×2, cap 30 s
    const delay = Math.min(30000, 500 * 2 ** attempt++) * (0.5 + Math.random() / 2);
    setStatus("reconnecting", "Reconnecting…");
    setTimeout(() => connect().catch(reconnect), delay);
  }
  connect().catch(reconnect);
})();
