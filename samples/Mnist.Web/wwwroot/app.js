// Mnist.Web: draw a digit, watch the model read it. Plain JS, no framework.
// The drawing is posted as a PNG (dark ink on white) to POST /api/predict while you draw: at most one request in
// flight, the next one sent THROTTLE_MS after a change at the latest, and always one for the final drawing.
"use strict";

(() => {
  const THROTTLE_MS = 120;
  const pad = document.getElementById("pad");
  const ctx = pad.getContext("2d");
  const clearButton = document.getElementById("clear");
  const status = document.getElementById("status");
  const answer = document.getElementById("answer");
  const confidence = document.getElementById("confidence");
  const seen = document.getElementById("seen");
  const seenEmpty = document.getElementById("seen-empty");
  const bars = document.getElementById("bars");
  const modelLine = document.getElementById("model");

  let version = 0;          // bumped on every change of the drawing
  let rendered = 0;         // the version the page shows the answer for
  let inked = false;
  let ready = false;
  let inFlight = false;
  let pending = false;
  let timer = 0;
  let stroke = null;        // { id, x, y } of the pointer drawing now
  let barRows = [];

  const lineWidth = pad.width / 14;

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function blank() {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, pad.width, pad.height);
    ctx.restore();
  }

  function changed() {
    version += 1;
    pad.dataset.version = String(version);
    requestSoon();
  }

  function point(event) {
    const rect = pad.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * (pad.width / rect.width),
      y: (event.clientY - rect.top) * (pad.height / rect.height),
    };
  }

  function dot(p) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, lineWidth / 2, 0, Math.PI * 2);
    ctx.fillStyle = "#111318";
    ctx.fill();
  }

  function segment(from, to) {
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.strokeStyle = "#111318";
    ctx.lineWidth = lineWidth;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.stroke();
  }

  pad.addEventListener("pointerdown", (event) => {
    if (!ready || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    const p = point(event);
    stroke = { id: event.pointerId, last: p };
    dot(p);
    inked = true;
    changed();
  });

  pad.addEventListener("pointermove", (event) => {
    if (!stroke || event.pointerId !== stroke.id) return;
    event.preventDefault();
    const events = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
    for (const e of events.length > 0 ? events : [event]) {
      const p = point(e);
      segment(stroke.last, p);
      stroke.last = p;
    }
    changed();
  });

  function endStroke(event) {
    if (!stroke || event.pointerId !== stroke.id) return;
    stroke = null;
    requestSoon();
  }

  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);
  pad.addEventListener("contextmenu", (event) => event.preventDefault());

  clearButton.addEventListener("click", () => {
    blank();
    inked = false;
    version += 1;
    pad.dataset.version = String(version);
    showEmpty(version);
    setStatus(ready ? "Draw one digit with the mouse, a finger or a pen." : status.textContent);
  });

  function requestSoon() {
    if (!inked) return;
    if (inFlight) { pending = true; return; }
    if (timer) return;
    timer = setTimeout(send, THROTTLE_MS);
  }

  function send() {
    timer = 0;
    if (!inked) return;
    const sent = version;
    inFlight = true;
    pad.toBlob(async (png) => {
      try {
        const response = await fetch("/api/predict?top=3&invert=always", {
          method: "POST",
          headers: { "Content-Type": "image/png" },
          body: png,
        });
        const body = await response.json().catch(() => null);
        if (sent < rendered) return; // an older drawing than the one shown
        if (response.ok && body) {
          show(body, sent);
        } else if (body && body.code === "blank") {
          setStatus("Keep drawing: no ink the model can read yet.");
        } else {
          setStatus((body && (body.detail || body.title)) || `The server answered ${response.status}.`, true);
          answer.dataset.state = "error";
          answer.dataset.version = String(sent);
        }
      } catch (error) {
        setStatus("The server cannot be reached: " + error.message, true);
      } finally {
        inFlight = false;
        if (pending) { pending = false; requestSoon(); }
      }
    }, "image/png");
  }

  function show(result, forVersion) {
    if (version !== forVersion && !inked) return; // cleared meanwhile
    rendered = forVersion;
    seen.src = "data:image/png;base64," + result.image.pngBase64;
    seen.hidden = false;
    seenEmpty.hidden = true;
    answer.textContent = result.prediction.name;
    answer.dataset.class = String(result.prediction.class);
    answer.dataset.state = "done";
    answer.dataset.version = String(forVersion);
    confidence.textContent = (result.prediction.probability * 100).toFixed(1) + " % sure";
    const best = result.prediction.class;
    result.probabilities.forEach((score, i) => {
      const row = barRows[i];
      if (!row) return;
      row.fill.style.width = (score.probability * 100).toFixed(2) + "%";
      row.value.textContent = (score.probability * 100).toFixed(1) + " %";
      row.li.classList.toggle("best", score.class === best);
    });
    setStatus(forVersion === version ? "Read. Keep drawing or clear." : "Reading…");
  }

  function showEmpty(forVersion) {
    rendered = forVersion;
    seen.hidden = true;
    seen.removeAttribute("src");
    seenEmpty.hidden = false;
    answer.textContent = "?";
    answer.dataset.state = "empty";
    answer.dataset.version = String(forVersion);
    delete answer.dataset.class;
    confidence.innerHTML = "&nbsp;";
    for (const row of barRows) {
      row.fill.style.width = "0";
      row.value.textContent = "";
      row.li.classList.remove("best");
    }
  }

  function buildBars(names) {
    bars.textContent = "";
    barRows = names.map((name) => {
      const li = document.createElement("li");
      li.className = "bar";
      const label = document.createElement("span");
      label.className = "bar-name";
      label.textContent = name;
      label.title = name;
      const track = document.createElement("span");
      track.className = "bar-track";
      const fill = document.createElement("span");
      fill.className = "bar-fill";
      track.appendChild(fill);
      const value = document.createElement("span");
      value.className = "bar-value";
      li.append(label, track, value);
      bars.appendChild(li);
      return { li, fill, value };
    });
  }

  async function start() {
    blank();
    try {
      const response = await fetch("/api/model");
      const info = await response.json();
      if (!info.ready) {
        modelLine.textContent = "No model loaded.";
        const problem = document.getElementById("problem");
        const match = /`([^`]+)`/.exec(info.problem || "");
        const text = document.getElementById("problem-text");
        (info.problem || "The server has no model.").split("`").forEach((part, i) => {
          if (i % 2 === 0) { text.append(part); return; }
          const code = document.createElement("code");
          code.textContent = part;
          text.append(code);
        });
        document.getElementById("problem-command").textContent = match ? match[1] : "dotnet run --project samples/Mnist.Train -c Release";
        problem.hidden = false;
        pad.classList.add("disabled");
        setStatus("Drawing is off until the server has a model.", true);
        buildBars([]);
        return;
      }
      modelLine.textContent = "Serving " + info.model;
      buildBars(info.classNames);
      ready = true;
      document.body.dataset.ready = "true";
    } catch (error) {
      setStatus("The server cannot be reached: " + error.message, true);
    }
  }

  start();
})();
