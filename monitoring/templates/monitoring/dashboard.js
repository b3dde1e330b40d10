// Proctor dashboard: one socket per exam; snapshot, then sequenced live events; commands to learners.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("monitoring-config").textContent);
  const tbody = document.getElementById("sessions");
  const statusLine = document.getElementById("status");
  const sessions = new Map();
  let lastSeq = null; // everything up to here was applied
  const ahead = new Set(); // applied seqs above lastSeq
  let socket = null;
  let attempt = 0;

  function setStatus(state, text) { statusLine.dataset.state = state; statusLine.textContent = text; }

  function row(sid) {
    let tr = document.getElementById("s-" + sid);
    if (!tr) {
      tr = document.createElement("tr");
      tr.id = "s-" + sid;
      tr.dataset.sid = sid;
      tr.innerHTML = '<td class="who"></td><td class="presence"></td><td class="status"></td>' +
        '<td class="anomalies"></td><td class="commands"></td>';
      for (const action of ["warn", "pause", "resume", "terminate"]) {
        const button = document.createElement("button");
        button.textContent = action;
        button.dataset.action = action;
        button.addEventListener("click", () => command(sid, action));
        tr.querySelector(".commands").appendChild(button);
      }
      tbody.appendChild(tr);
    }
    return tr;
  }

  function render(sid) {
    const s = sessions.get(sid);
    const tr = row(sid);
    tr.querySelector(".who").textContent = s.full_name || s.username || sid.slice(0, 8);
    const presence = tr.querySelector(".presence");
    presence.textContent = s.presence;
    presence.className = "presence presence-" + s.presence + (s.flagged ? " flagged" : "");
    tr.querySelector(".status").textContent = s.attempt_status + (s.paused ? " (paused)" : "");
    const list = tr.querySelector(".anomalies");
    list.textContent = "";
    for (const a of s.anomalies.slice(0, 5)) {
      const item = document.createElement("div");
      item.className = "anomaly-item";
      item.textContent = a.data.kind + " (" + a.data.severity.toFixed(2) + ")";
      list.appendChild(item);
    }
    const worst = Math.max(0, ...s.anomalies.map((a) => a.data.severity));
    tr.classList.toggle("anomaly", s.anomalies.length > 0);
    tr.classList.toggle("severe", worst >= 0.7);
  }

  function session(sid) {
    if (!sessions.has(sid)) {
      sessions.set(sid, { sid, username: "", presence: "offline", attempt_status: "started", paused: false,
                          flagged: false, anomalies: [] });
    }
    return sessions.get(sid);
  }

  function apply(event) {
    const s = session(event.sid);
    if (event.type === "anomaly") s.anomalies.unshift(event);
    else if (event.type === "presence") { s.presence = event.data.kind; s.flagged = !!event.data.flagged; }
    else if (event.type === "status") s.attempt_status = event.data.kind;
    else if (event.type === "clock") { if (event.data.kind !== "extended") s.paused = event.data.kind === "paused"; }
    render(event.sid);
  }

  function onMessage(message) {
    if (message.type === "snapshot") {
      sessions.clear();
      tbody.textContent = "";
      for (const s of message.data.sessions) { sessions.set(s.sid, s); render(s.sid); }
      lastSeq = message.seq;
      ahead.clear();
      setStatus("live", "Live · " + sessions.size + " sessions");
    } else if (message.type === "resumed") {
      lastSeq = message.seq;
      setStatus("live", "Live · " + sessions.size + " sessions");
    } else if (message.type === "gap") {
      setStatus("resync", "Resynchronising…");
    } else if (message.type === "command_result") {
      if (!message.data.ok) setStatus("live", "Command failed: " + message.data.detail);
    } else if (typeof message.seq === "number" && message.sid) {
      // events may arrive out of seq order (several server processes); the server fills holes itself
      if (lastSeq === null || message.seq <= lastSeq || ahead.has(message.seq)) return;
      ahead.add(message.seq);
      while (ahead.has(lastSeq + 1)) ahead.delete(++lastSeq);
      apply(message);
    }
  }

  function command(sid, action) {
    if (action === "terminate" && !window.confirm("End this learner's attempt?")) return;
    const message = action === "warn" ? (window.prompt("Warning for the learner", "Please keep your face visible.") || "") : "";
    socket.send(JSON.stringify({ type: "command", data: { session_id: sid, action, message } }));
  }

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
