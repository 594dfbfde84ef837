// Read aloud: plays a page's sentence clips in order through one <audio> element, highlights the
// sentence being read, and gives Stop, Pause, Repeat, Slower and Volume controls (ADA 2010 §707.5,
// EN 301 549 §5.1.3.4). The volume is the kiosk's one voice's (static/speech/voice.js), up to +12 dB.
// Audio stops when the visitor leaves the page or the kiosk resets; speed and volume last one visit.
"use strict";

(function () {
  const SLOWER = 0.75;  // with the browser's pitch correction, 155 words a minute becomes about 116
  const CURRENT = "kiosk-sentence--current";
  const status = document.getElementById("kiosk-status");

  // One element for the whole visit, kept out of the document, so neither a screen swap nor htmx's
  // history snapshot of <body> can copy or orphan it.
  const audio = new Audio();
  audio.preload = "auto";

  let root = null;        // the current page's #kiosk-listen
  let strings = {};
  let sentences = [];     // the clips: [{index, sentences, text, audio}]; a staff recording covers a whole message
  let index = 0;          // the clip being read
  let playing = false;
  let paused = false;
  let run = 0;            // bumped on every start, jump and stop; stale async work checks it
  let clips = new Map();  // sentence index -> Promise of an object URL
  let controller = new AbortController();
  let rate = 1;
  let statusTimer = 0;

  // Speech mode pauses the reading while it speaks a label over it, and lets it go on after.
  window.kioskVoice.connect(audio, () => playing && !paused);

  /** Announce through the live region without moving focus (WCAG 4.1.3). */
  function announce(message) {
    clearTimeout(statusTimer);
    status.textContent = message;
    statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
  }

  function find(selector) { return root.querySelector(selector); }

  /** Fetch a sentence's clip once per page; a failure carries the server's message and status. */
  function clip(i) {
    if (!clips.has(i)) {
      const signal = controller.signal;
      const page = clips;
      page.set(i, fetch(sentences[i].audio, { signal }).then(async (response) => {
        if (!response.ok) {
          let message = strings.unavailable;
          try { message = (await response.json()).error || message; } catch (error) { /* not JSON */ }
          throw Object.assign(new Error(message), { status: response.status });
        }
        return URL.createObjectURL(await response.blob());
      }));
      page.get(i).catch(() => page.delete(i));  // so a later tap tries again
    }
    return clips.get(i);
  }

  function forgetClips() {
    controller.abort();
    controller = new AbortController();
    for (const pending of clips.values()) pending.then(URL.revokeObjectURL, () => {});
    clips = new Map();
  }

  /** Highlight the sentences a clip reads: one for the synthetic voice, all of a message for a recording. */
  function highlight(i) {
    for (const old of document.querySelectorAll("." + CURRENT)) old.classList.remove(CURRENT);
    if (i === null || !sentences[i]) return;
    const numbers = sentences[i].sentences || [sentences[i].index];
    const spans = numbers.map((n) => document.querySelector(`.kiosk-sentence[data-sentence="${n}"]`)).filter(Boolean);
    for (const span of spans) span.classList.add(CURRENT);
    if (spans.length) reveal(spans[0]);
  }

  /** Scroll a sentence into the page's column, below the controls that stick to its top while reading. */
  function reveal(span) {
    const box = span.getBoundingClientRect();
    const column = span.closest(".kiosk-main");
    const frame = column ? column.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const top = frame.top + (playing && root ? root.offsetHeight : 0);  // the controls stick while reading
    const bottom = frame.bottom;
    if (box.top >= top && box.bottom <= bottom) return;
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    (column || window).scrollBy({ top: (box.top + box.bottom - top - bottom) / 2, behavior: smooth ? "smooth" : "auto" });
  }

  /** Show the Listen/Stop toggle's state and the extra controls. */
  function showState() {
    if (!root) return;
    root.dataset.state = playing ? "playing" : "idle";
    find("[data-listen-label]").textContent = playing ? strings.stop : strings.listen;
    find('[data-listen-when="idle"]').hidden = playing;
    find('[data-listen-when="playing"]').hidden = !playing;
    find('[data-listen-when="running"]').hidden = paused;
    find('[data-listen-when="paused"]').hidden = !paused;
    find("[data-listen-pause-label]").textContent = paused ? strings.resume : strings.pause;
    find('[data-listen-action="slower"]').setAttribute("aria-pressed", String(rate !== 1));
    find('[data-listen-action="normal"]').setAttribute("aria-pressed", String(rate === 1));
  }

  async function play(i) {
    const mine = ++run;
    if (i >= sentences.length) { finish(); return; }
    index = i;
    highlight(i);
    let url;
    try {
      url = await clip(i);
    } catch (error) {
      if (mine !== run || error.name === "AbortError") return;
      if (error.status === 503) { unavailable(error.message); return; }
      stop(false);
      announce(error.message);
      return;
    }
    if (mine !== run) return;
    audio.src = url;
    audio.playbackRate = rate;
    if (!paused) audio.play().catch(() => {});
    if (i + 1 < sentences.length) clip(i + 1).catch(() => {});  // ready before this one ends
  }

  function start(i) {
    if (!playing) announce(strings.reading);  // a repeat while reading needs no words: it is heard
    window.kioskVoice.stop();  // new speech interrupts the old at once
    playing = true;
    paused = false;
    find("[data-listen-more]").hidden = false;
    showState();
    play(i);
  }

  function finish() {
    playing = false;
    paused = false;
    run++;
    highlight(null);
    showState();
    announce(strings.finished);
  }

  /** Stop reading and hide the extra controls; quietly when the page is going away. */
  function stop(say = true) {
    run++;
    audio.pause();
    audio.removeAttribute("src");
    forgetClips();
    highlight(null);
    playing = false;
    paused = false;
    if (root) {
      find("[data-listen-more]").hidden = true;
      showState();
    }
    if (say) announce(strings.stopped);
  }

  /** The engine is down: replace the controls with the note, as the server does for the next page. */
  function unavailable(message) {
    stop(false);
    const controls = find(".kiosk-listen__controls");
    const hadFocus = controls.contains(document.activeElement);
    controls.hidden = true;
    const note = find("[data-listen-note]");
    note.textContent = message || strings.unavailable;
    note.hidden = false;
    if (hadFocus) note.focus();  // the focused button is gone; the note takes its place
    announce(note.textContent);
  }

  const actions = {
    toggle() { if (playing) stop(); else start(0); },
    restart() { start(0); },
    repeat() { start(index); },
    pause() {
      paused = !paused;
      if (paused) {
        audio.pause();
      } else {
        window.kioskVoice.stop();
        if (audio.getAttribute("src")) audio.play().catch(() => {}); else play(index);
      }
      showState();
      announce(paused ? strings.paused : strings.resumed);
    },
    slower() { setRate(SLOWER, strings.slower); },
    normal() { setRate(1, strings.normal); },
    louder() { announce(window.kioskVoice.louder()); },
    quieter() { announce(window.kioskVoice.quieter()); },
  };

  function setRate(value, message) {
    rate = value;
    audio.playbackRate = rate;
    showState();
    announce(message);
  }

  /** Take over the Listen control of the page now on screen, if it has one. */
  function bind() {
    root = document.querySelector("#kiosk-listen[data-listen]");
    if (!root) return;
    strings = JSON.parse(root.dataset.listenStrings);
    sentences = JSON.parse(find("[data-listen-sentences]").textContent);
    index = 0;
    playing = false;
    paused = false;
    highlight(null);  // a page restored from htmx's history cache may carry an old highlight
    find("[data-listen-more]").hidden = true;
    root.hidden = false;
    showState();
  }

  audio.addEventListener("ended", () => { if (playing) play(index + 1); });
  audio.addEventListener("error", () => { if (playing && audio.getAttribute("src")) play(index + 1); });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-listen-action]");
    if (!button || !root || !root.contains(button)) return;
    actions[button.dataset.listenAction]();
  });

  // Silence falls as the old page goes, not after the new one settles.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "kiosk-screen" && event.detail.shouldSwap) stop(false);  // not for a 204
  });
  document.addEventListener("kiosk:navigate", () => { stop(false); bind(); });
  document.addEventListener("htmx:historyRestore", () => { stop(false); bind(); });
  // The voice resets the volume itself (static/speech/voice.js).
  document.addEventListener("kiosk:reset", () => {
    stop(false);
    rate = 1;
    audio.playbackRate = 1;
  });
  // The whole document goes for a full page load, such as a language change.
  window.addEventListener("pagehide", () => stop(false));

  bind();
})();
