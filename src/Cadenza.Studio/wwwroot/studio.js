// Cadenza Studio: choose a model and a seed, compose, listen, look, download; every call is the JSON API of the README.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { models: [], upload: null, pieces: [], current: null, busy: false };

function status(text) { $("status").textContent = text; }

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

async function loadModels() {
  state.models = await api("/api/models");
  const select = $("model"), chosen = select.value;
  select.replaceChildren(...state.models.map((m) => new Option(m.id, m.id)));
  if (state.models.length === 0) {
    status("no models: train one (./cadenza demo writes out/demo/model), then reload");
    $("generate").disabled = true;
    return;
  }
  $("generate").disabled = state.busy;
  if (state.models.some((m) => m.id === chosen)) select.value = chosen;
  showModel();
  if (!state.busy && !state.current) status("ready");
}

function currentModel() { return state.models.find((m) => m.id === $("model").value); }

function showModel() {
  const m = currentModel();
  if (!m) return;
  const loss = m.bestValidationLoss == null ? "not recorded" : m.bestValidationLoss.toFixed(4);
  $("model-info").textContent = `${m.preset} preset, ${m.parameters.toLocaleString("en")} parameters\n${m.corpus}\nbest validation loss ${loss}`;
  $("seed-window").replaceChildren(...m.seeds.map((s) => new Option(`${s.index}: ${s.file}, note ${s.note + 1}`, s.index)));
}

async function uploadSeed(file) {
  const form = new FormData();
  form.append("midi", file);
  status(`reading ${file.name}…`);
  try {
    state.upload = await api("/api/seeds", { method: "POST", body: form });
    const window = currentModel()?.window ?? 25;
    const first = state.upload.notes.slice(0, window).map((n) => n.pitch).join(" ");
    $("seed-info").textContent = `${state.upload.name}: ${state.upload.count} notes; the seed is the first ${Math.min(window, state.upload.count)}: ${first}` +
      (state.upload.warning ? `\n${state.upload.warning}` : "");
    document.querySelector("input[name=seed][value=upload]").checked = true;
    status("ready");
  } catch (e) {
    state.upload = null;
    $("seed-info").textContent = e.message;
    status("the file was refused");
  }
}

function body(extra) {
  const b = {
    model: $("model").value,
    notes: Number($("notes").value),
    temperature: Number($("temperature").value),
    topK: Number($("top-k").value),
    rngSeed: Number($("rng-seed").value),
  };
  const seed = document.querySelector("input[name=seed]:checked").value;
  if (seed === "upload" && state.upload) b.seedUpload = state.upload.id;
  else b.seedWindow = Number($("seed-window").value || 0);
  return Object.assign(b, extra);
}

async function compose(extra) {
  if (state.busy) return;
  state.busy = true;
  for (const id of ["generate", "continue", "regenerate"]) $(id).disabled = true;
  status("composing…");
  const started = performance.now();
  try {
    const piece = await api("/api/generate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body(extra)) });
    piece.settings = body(extra);
    state.pieces.push(piece);
    show(piece);
    status(`done: ${piece.notes.length} notes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    status(`error: ${e.message}`);
  } finally {
    state.busy = false;
    $("generate").disabled = false;
    $("continue").disabled = $("regenerate").disabled = state.current == null;
  }
}

function show(piece) {
  state.current = piece;
  drawRoll(piece);
  $("audio").src = piece.files.wav;
  const names = { midi: "MIDI", wav: "WAV", mp3: "MP3", csv: "CSV", pianoRoll: "piano roll" };
  $("downloads").replaceChildren(...Object.entries(piece.files).map(([k, url]) => {
    const a = document.createElement("a");
    a.href = url; a.download = ""; a.textContent = names[k] || k;
    return a;
  }));
  $("warnings").textContent = (piece.warnings || []).join("\n");
  const rows = piece.notes.map((n, i) => {
    const tr = document.createElement("tr");
    for (const v of [i + 1, n.pitch, n.step.toFixed(3), n.duration.toFixed(3), n.start.toFixed(3), n.end.toFixed(3), n.velocity, n.instrument]) {
      const td = document.createElement("td"); td.textContent = v; tr.append(td);
    }
    return tr;
  });
  $("notes-table").tBodies[0].replaceChildren(...rows);
  renderHistory();
}

function renderHistory() {
  $("history-list").replaceChildren(...state.pieces.map((p) => {
    const li = document.createElement("li");
    const s = p.settings;
    li.textContent = `${p.model}: ${p.notes.length} notes, temperature ${s.temperature}, seed ${s.rngSeed}` + (s.continue ? " (continued)" : "");
    if (p === state.current) li.className = "current";
    li.onclick = () => show(p);
    return li;
  }));
}

const NAMES = ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"];

// time runs right, pitch up; the seed in grey-blue, the composed notes in red (a hue per instrument), darker when louder
function drawRoll(piece) {
  const canvas = $("roll"), g = canvas.getContext("2d");
  const all = piece.seedNotes.concat(piece.notes);
  canvas.dataset.notes = all.length;   // what was drawn, for tests and screen readers
  const W = canvas.width, H = canvas.height, left = 40, bottom = 22;
  g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
  if (all.length === 0) return;
  const lo = Math.max(0, Math.min(...all.map((n) => n.pitch)) - 2), hi = Math.min(127, Math.max(...all.map((n) => n.pitch)) + 2);
  const end = Math.max(...all.map((n) => n.end), 1);
  const x = (t) => left + (t / end) * (W - left - 8), rowH = (H - bottom - 4) / (hi - lo + 1);
  const y = (p) => 4 + (hi - p) * rowH;
  g.font = "11px sans-serif"; g.fillStyle = "#666"; g.strokeStyle = "#eee"; g.lineWidth = 1;
  for (let p = lo; p <= hi; p++) if (p % 12 === 0) {
    g.beginPath(); g.moveTo(left, y(p) + rowH); g.lineTo(W, y(p) + rowH); g.stroke();
    g.fillText(`${NAMES[p % 12]}${p / 12 - 1}`, 4, y(p) + rowH);
  }
  const tick = end > 60 ? 10 : end > 20 ? 5 : end > 8 ? 2 : 1;
  for (let t = 0; t <= end; t += tick) {
    g.beginPath(); g.moveTo(x(t), 4); g.lineTo(x(t), H - bottom); g.stroke();
    g.fillText(`${t}s`, x(t) - 6, H - 6);
  }
  // an ensemble (a model with instruments) is coloured by instrument: one hue per program, drums grey-green
  const programs = [...new Set(piece.notes.map((n) => (n.drum ? -1 : n.program)))].sort((a, b) => a - b);
  const hue = (n) => (programs.length < 2 ? 6 : (programs.indexOf(n.drum ? -1 : n.program) * 360) / programs.length + 6);
  canvas.dataset.instruments = programs.length;
  $("instrument-legend").replaceChildren(...(programs.length < 2 ? [] : programs.map((p) => {
    const n = piece.notes.find((m) => (m.drum ? -1 : m.program) === p), item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = `hsl(${hue(n)}, 64%, 45%)`;
    item.append(swatch, ` ${n.instrument}`);
    return item;
  })));
  const paint = (notes, seed) => {
    for (const n of notes) {
      g.fillStyle = seed ? "#8aa0b8" : `hsl(${hue(n)}, 64%, ${78 - 0.38 * n.velocity}%)`;
      g.fillRect(x(n.start), y(n.pitch), Math.max(2, x(n.end) - x(n.start)), Math.max(2, rowH - 1));
    }
  };
  paint(piece.seedNotes, true);
  paint(piece.notes, false);
}

// training: start a run, follow its events (Server-Sent Events), redraw the loss curve after every epoch
const training = { id: null, source: null, epochs: [] };

async function startTraining() {
  const body = {
    data: $("train-data").value, name: $("train-name").value, preset: $("train-preset").value, instruments: $("train-instruments").checked,
    epochs: Number($("train-epochs").value),
  };
  if ($("train-patience").value !== "") body.patience = Number($("train-patience").value);   // empty: the preset's
  try {
    const run = await api("/api/train", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    follow(run.id);
  } catch (e) {
    $("train-status").textContent = `error: ${e.message}`;
  }
}

function follow(id) {
  training.id = id;
  training.epochs = [];
  drawLoss();
  $("train-start").disabled = true;
  $("train-stop").disabled = false;
  const source = new EventSource(`/api/train/${id}/events`);
  training.source = source;
  source.onmessage = (m) => {
    const e = JSON.parse(m.data);
    const line = $("train-status");
    if (e.type === "started") training.epochs = [];   // a reconnect replays the run from its start
    if (e.type === "started") line.textContent = `training ${e.model}: ${e.pieces} pieces, ${e.windows.toLocaleString("en")} windows, ${e.parameters.toLocaleString("en")} parameters`;
    else if (e.type === "progress") line.textContent = `epoch ${e.epoch}, batch ${e.batch}/${e.batches}, ${e.windowsPerSecond.toLocaleString("en")} windows/s, ETA ${Math.round(e.etaSeconds)} s`;
    else if (e.type === "epoch") { training.epochs.push(e); drawLoss(); line.textContent = `epoch ${e.epoch}: loss ${e.loss == null ? "–" : e.loss.toFixed(4)}` + (e.valLoss == null ? "" : `, val_loss ${e.valLoss.toFixed(4)}`) + (e.improved ? " (best)" : ""); }
    else if (e.type === "message") line.textContent = e.text;
    else if (["done", "stopped", "error"].includes(e.type)) {
      source.close();
      $("train-start").disabled = false;
      $("train-stop").disabled = true;
      line.textContent = e.type === "error" ? `error: ${e.message}` :
        `${e.type === "done" ? "done" : "stopped (the checkpoint is kept)"}: ` +
        (e.bestLoss == null ? "no epoch finished" : `best ${e.monitor} ${e.bestLoss.toFixed(4)} at epoch ${e.bestEpoch}`) + `; ${e.model} is in the model list`;
      line.dataset.finished = e.type;
      if (e.type !== "error") loadModels().then(() => { $("model").value = e.model; showModel(); }).catch(() => {});
    }
  };
}

function drawLoss() {
  const canvas = $("loss"), g = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pad = 36;
  g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
  const points = training.epochs;
  canvas.dataset.epochs = points.length;
  if (points.length === 0) return;
  const values = points.flatMap((p) => [p.loss, p.valLoss]).filter((v) => v != null);
  const lo = Math.min(...values), hi = Math.max(...values), span = hi - lo || 1;
  const x = (i) => pad + (points.length === 1 ? 0 : (i / (points.length - 1)) * (W - 2 * pad));
  const y = (v) => H - pad - ((v - lo) / span) * (H - 2 * pad);
  g.font = "11px sans-serif"; g.fillStyle = "#666";
  g.fillText(hi.toFixed(3), 2, pad); g.fillText(lo.toFixed(3), 2, H - pad);
  g.fillText("epoch", W / 2, H - 8);
  const line = (key, colour) => {
    g.strokeStyle = colour; g.lineWidth = 2; g.beginPath();
    points.forEach((p, i) => { if (p[key] != null) { if (i === 0) g.moveTo(x(i), y(p[key])); else g.lineTo(x(i), y(p[key])); } });
    g.stroke();
  };
  line("loss", "#20304a");
  line("valLoss", "#c0392b");
  g.fillStyle = "#20304a"; g.fillText("loss", W - 90, 14);
  g.fillStyle = "#c0392b"; g.fillText("val_loss", W - 50, 14);
}

// evaluation: eval's tables for the chosen model, against the count models and the held-out music
async function evaluate() {
  const body = { model: $("model").value, seeds: Number($("eval-seeds").value) };
  if ($("eval-data").value.trim()) body.data = $("eval-data").value.trim();
  $("eval-status").textContent = "evaluating…";
  $("eval-start").disabled = true;
  try {
    const e = await api("/api/eval", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const r = e.report, h = r.heldout_loss || {}, c = (r.baselines && r.baselines.counts) || {}, g = r.generated || {}, held = r.heldout || {}, j = r.jsd || {};
    const f = (v, d = 3) => (v == null ? "–" : Number(v).toFixed(d));
    const rows = [
      ["pitch NLL, nats/note", f(h.pitch_nll_nats), f(c.pitch && c.pitch.unigram_nats), f(c.pitch && c.pitch.copy_nats), ""],
      ["step cross-entropy, nats", f(h.step_nll_nats), f(c.step && c.step.unigram_nats), f(c.step && c.step.copy_nats), ""],
      ["duration cross-entropy, nats", f(h.duration_nll_nats), f(c.duration && c.duration.unigram_nats), f(c.duration && c.duration.copy_nats), ""],
      ["generated: step / duration / pitch-class JSD", `${f(j.step)} / ${f(j.duration)} / ${f(j.pitch_class)}`, "", "", ""],
      ["generated: zero steps (chords)", f(g.zero_step_share, 2), "", "", f(held.zero_step_share, 2)],
      ["generated: notes per second", f(g.notes_per_second, 1), "", "", f(held.notes_per_second, 1)],
      ["generated: longest run of one pitch", g.longest_pitch_run == null ? "–" : g.longest_pitch_run, "", "", held.longest_pitch_run == null ? "–" : held.longest_pitch_run],
    ];
    $("eval-table").tBodies[0].replaceChildren(...rows.map((cells) => {
      const tr = document.createElement("tr");
      for (const v of cells) { const td = document.createElement("td"); td.textContent = v; tr.append(td); }
      return tr;
    }));
    $("eval-table").hidden = false;
    $("eval-plot").src = e.plot;
    $("eval-plot").hidden = false;
    $("eval-status").textContent = `held-out music: ${r.heldout_source}` + ((r.warnings || []).length ? `\n${r.warnings.join("\n")}` : "");
    $("eval-status").dataset.done = "1";
  } catch (err) {
    $("eval-status").textContent = `error: ${err.message}`;
  } finally {
    $("eval-start").disabled = false;
  }
}

$("eval-start").onclick = evaluate;
$("train-start").onclick = startTraining;
$("train-stop").onclick = () => { if (training.id) api(`/api/train/${training.id}/stop`, { method: "POST" }).catch(() => {}); };
$("model").onchange = showModel;
$("seed-file").onchange = (e) => { if (e.target.files[0]) uploadSeed(e.target.files[0]); };
$("generate").onclick = () => compose({});
$("regenerate").onclick = () => {
  $("rng-seed").value = Math.floor(Math.random() * 1e9);
  compose(state.current && state.current.settings.continue ? { continue: state.current.settings.continue, seedWindow: undefined, seedUpload: undefined } : {});
};
$("continue").onclick = () => { if (state.current) compose({ continue: state.current.id, seedWindow: undefined, seedUpload: undefined }); };
loadModels().catch((e) => status(`error: ${e.message}`));
