// The recording screen: record a message with the browser's MediaRecorder, listen to the take, then send it
// through the same form as an uploaded file (so the server checks both the same way). Without a
// microphone, permission or JavaScript, the upload form still works.
"use strict";

(function () {
  const panel = document.querySelector("[data-record]");
  const form = document.querySelector("[data-record-form]");
  if (!panel || !form) return;
  const strings = JSON.parse(panel.querySelector("[data-record-strings]").textContent);
  const limit = Number(panel.dataset.maxSeconds);
  const status = panel.querySelector("[data-record-status]");
  const level = panel.querySelector("[data-record-level]");
  const preview = panel.querySelector("[data-record-preview]");
  const review = panel.querySelector("[data-record-review]");
  const startButtons = panel.querySelectorAll('[data-record-action="start"]');
  const stopButton = panel.querySelector('[data-record-action="stop"]');

  let recorder = null;
  let stream = null;
  let chunks = [];
  let take = null;  // the last recording, a Blob
  let started = 0;
  let timer = 0;
  let meter = null;

  function clock(seconds) {
    const whole = Math.floor(seconds);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }

  function show(element, visible) { element.hidden = !visible; }

  function explain(error) {
    if (!window.isSecureContext || !navigator.mediaDevices) return strings.insecure;
    if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) return strings.denied;
    if (error && (error.name === "NotFoundError" || error.name === "OverconstrainedError")) return strings.missing;
    return strings.failed.replace("{reason}", error ? error.message || error.name : "");
  }

  /** Show how loud the microphone is, so a muted or wrong one is noticed before a whole take. */
  function watchLevel(source) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    const context = new Context();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(source).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const value of samples) peak = Math.max(peak, Math.abs(value));
      level.value = Math.min(1, peak * 1.5);
      frame = requestAnimationFrame(draw);
    };
    draw();
    meter = () => { cancelAnimationFrame(frame); context.close(); level.value = 0; };
  }

  function release() {
    clearInterval(timer);
    if (meter) meter();
    meter = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    show(level, false);
  }

  async function start() {
    if (recorder && recorder.state === "recording") return;
    take = null;
    show(review, false);
    show(preview, false);
    status.textContent = "";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: true } });
    } catch (error) {
      status.textContent = explain(error);
      return;
    }
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", finished);
    recorder.start(250);
    started = performance.now();
    for (const button of startButtons) show(button, false);
    show(stopButton, true);
    show(level, true);
    stopButton.focus();
    watchLevel(stream);
    const tick = () => {
      const seconds = (performance.now() - started) / 1000;
      status.textContent = strings.recording.replace("{time}", clock(seconds)).replace("{limit}", clock(limit));
      if (seconds >= limit) { stop(); status.textContent = strings.limit; }
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  function stop() {
    if (recorder && recorder.state === "recording") recorder.stop();
  }

  function finished() {
    release();
    take = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(take);
    show(stopButton, false);
    show(startButtons[0], true);
    show(preview, true);
    show(review, true);
    status.textContent = strings.stopped;
    review.querySelector('[data-record-action="send"]').focus();
    panel.dispatchEvent(new CustomEvent("editor:recorded", { bubbles: true, detail: { bytes: take.size } }));
  }

  /** Send the take through the upload form, as a file, so the server checks it like any upload. */
  function send() {
    if (!take) return;
    const extension = take.type.includes("ogg") ? "ogg" : take.type.includes("mp4") ? "m4a" : "webm";
    const file = new File([take], `recording.${extension}`, { type: take.type });
    const files = new DataTransfer();
    files.items.add(file);
    form.elements.audio.files = files.files;
    form.querySelector("[data-record-source]").value = "microphone";
    status.textContent = strings.sending;
    form.requestSubmit();
  }

  const actions = { start, stop, send };
  panel.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-record-action]");
    if (button) actions[button.dataset.recordAction]();
  });

  if (!window.MediaRecorder || !navigator.mediaDevices || !window.isSecureContext) {
    // The panel stays hidden; say why once, next to the upload form.
    const note = document.createElement("p");
    note.className = "staff-notice";
    note.textContent = explain(null);
    form.before(note);
    return;
  }
  panel.hidden = false;
})();
