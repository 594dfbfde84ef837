// Speech mode through an outage. While the server answers and speech mode is on, this prepares the calm
// offline page's words (static/visitor/offline.js shows that page when the server is away): it reads the
// page the service worker keeps, asks the kiosk how to say each of its text blocks, and keeps those clips
// in the browser's cache. On the offline page itself, in a visit with speech mode on, it says the page
// from those clips with no server at all: the restart message with the number to call on arrival, and any
// block touched, slid over or reached with the arrow keys. A block it has no clip for sounds a tone.
"use strict";

(function () {
  const CACHE = "kiosk-speech-offline";
  const root = document.documentElement;
  const BLOCKS = "h1, h2, h3, p, li";
  const PREPARE_AFTER_MS = 3000;

  /** The words of a text block as the offline page shows them, what a screen reader would read. */
  function blockText(el) {
    let text = "";
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
        else if (child.nodeType === Node.ELEMENT_NODE && child.getAttribute("aria-hidden") !== "true") walk(child);
      }
    };
    walk(el);
    return text.replace(/\s+/g, " ").trim();
  }

  /** The offline page's text blocks in reading order: each block once, never one inside another. */
  function blocks(doc) {
    const main = doc.querySelector("main");
    if (!main) return [];
    return [...main.querySelectorAll(BLOCKS)].filter((el) => !el.querySelector(BLOCKS) && blockText(el));
  }

  /** Where the kept words of one language's offline page live in the cache (never a real address). */
  function mapAddress(lang) { return `/${lang}/say/offline.json`; }

  function speechIsOn() {
    try { return sessionStorage.getItem("kiosk-speech") === "on"; } catch (error) { return false; }
  }

  // --- While the server answers: keep the offline page's words ------------------------------------
  let prepared = null;

  async function prepare() {
    const config = JSON.parse(document.getElementById("kiosk-speech").textContent);
    const idle = document.getElementById("kiosk-idle");
    const page = idle && idle.dataset.offline;
    if (!page || !("caches" in window)) return;
    // The copy the service worker keeps is the one that will show; the server's until it has one.
    const kept = await caches.match(page, { ignoreSearch: true });
    const html = await (kept || (await fetch(page, { credentials: "omit" }))).text();
    const texts = window.kioskOfflineSpeech.texts(html);
    const response = await fetch(config.say, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phrases: texts.map((text) => ({ text })) }),
    });
    if (!response.ok) throw new Error(`say: ${response.status}`);
    const answers = (await response.json()).phrases;
    const words = {};
    texts.forEach((text, i) => {
      if (answers[i].status === "ready") words[text] = answers[i].clips.map((clip) => ({ text: clip.text, audio: clip.audio }));
    });
    const cache = await caches.open(CACHE);
    const wanted = new Set(Object.values(words).flat().map((clip) => clip.audio));
    for (const address of wanted) {
      if (!(await cache.match(address))) await cache.add(address);
    }
    // Clips of words this language's page no longer has (an edited translation) are let go.
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path.startsWith(`/${config.lang}/say/`) && path !== mapAddress(config.lang) && !wanted.has(path)) {
        await cache.delete(request);
      }
    }
    await cache.put(mapAddress(config.lang), new Response(JSON.stringify(words), {
      headers: { "Content-Type": "application/json" },
    }));
  }

  /** Prepare once per page, a little after speech mode starts, so what the visitor hears first never waits
      for this; a failure (the server away already) is tried again on the next page. */
  function prepareOnce() {
    if (!prepared) {
      prepared = new Promise((resolve) => { setTimeout(resolve, PREPARE_AFTER_MS); })
        .then(prepare)
        .catch(() => { prepared = null; });
    }
    return prepared;
  }

  if (root.dataset.kiosk !== "offline") {
    document.addEventListener("kiosk:speech-on", prepareOnce);
    if (window.kioskSpeech && window.kioskSpeech.on()) prepareOnce();
    window.kioskOfflineSpeech = {
      prepared: () => prepared,
      /** The texts the offline page would say, from its HTML. */
      texts: (html) => [...new Set(blocks(new DOMParser().parseFromString(html, "text/html")).map(blockText))],
    };
    return;
  }

  // --- The offline page: speak from the kept clips -------------------------------------------------
  if (!speechIsOn() || !("caches" in window)) return;
  root.dataset.speech = "on";
  const lang = root.lang;
  const list = blocks(document);
  const audio = new Audio();
  let context = null;
  let words = {};
  let current = null;
  let generation = 0;

  /** The visit's volume, up to +12 dB, as static/speech/voice.js plays it. */
  function connect() {
    if (context) return;
    context = new AudioContext();
    const gain = context.createGain();
    let db = 0;
    try { db = Number(sessionStorage.getItem("kiosk-volume-db")) || 0; } catch (error) { /* the default */ }
    gain.gain.value = Math.pow(10, db / 20);
    const limiter = context.createDynamicsCompressor();
    limiter.threshold.value = -1;
    limiter.ratio.value = 20;
    context.createMediaElementSource(audio).connect(gain).connect(limiter).connect(context.destination);
  }

  /** Tell listeners what is being said, as static/speech/voice.js does ("kiosk:spoken"). */
  function spoken(clips) {
    const detail = { clips: clips.map((clip) => clip.audio), texts: clips.map((clip) => clip.text), tone: !clips.length };
    document.dispatchEvent(new CustomEvent("kiosk:spoken", { detail }));
  }

  function tone() {
    spoken([]);
    const start = context.currentTime + 0.01;
    [660, 440].forEach((frequency, i) => {
      const oscillator = context.createOscillator();
      const envelope = context.createGain();
      const at = start + i * 0.2;
      oscillator.frequency.value = frequency;
      envelope.gain.setValueAtTime(0.0001, at);
      envelope.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      envelope.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      oscillator.connect(envelope).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.19);
    });
  }

  function playOne(url, address, mine) {
    return new Promise((done) => {
      if (mine !== generation) { done(false); return; }
      const end = (finished) => { audio.onended = audio.onerror = null; done(finished && mine === generation); };
      audio.onended = () => end(true);
      audio.onerror = () => end(true);
      audio.src = url;
      audio.dataset.clip = address;
      audio.play().catch(() => end(true));
    });
  }

  /** Say some blocks now, cutting off whatever was being said. */
  async function say(els) {
    connect();
    generation += 1;
    const mine = generation;
    audio.pause();
    const clips = els.flatMap((el) => words[blockText(el)] || []);
    if (!clips.length || els.some((el) => !words[blockText(el)])) { tone(); if (!clips.length) return; }
    spoken(clips);
    const cache = await caches.open(CACHE);
    for (const clip of clips) {
      const kept = await cache.match(clip.audio);
      if (mine !== generation) return;
      if (!kept) { tone(); return; }
      const url = URL.createObjectURL(await kept.blob());
      const finished = await playOne(url, clip.audio, mine);
      URL.revokeObjectURL(url);
      if (!finished) return;
    }
  }

  function focus(el) {
    for (const old of document.querySelectorAll("[data-speech-current]")) old.removeAttribute("data-speech-current");
    current = el;
    if (el) el.setAttribute("data-speech-current", "");
    if (el) say([el]);
  }

  function blockAt(x, y) {
    for (let el = document.elementFromPoint(x, y); el; el = el.parentElement) if (list.includes(el)) return el;
    return null;
  }

  let pressed = false;
  window.addEventListener("pointerdown", (event) => {
    pressed = true;
    const el = blockAt(event.clientX, event.clientY);
    if (el && el !== current) focus(el);
  });
  window.addEventListener("pointermove", (event) => {
    if (!pressed) return;
    const el = blockAt(event.clientX, event.clientY);
    if (el && el !== current) focus(el);
  });
  for (const type of ["pointerup", "pointercancel"]) window.addEventListener(type, () => { pressed = false; });

  window.addEventListener("keydown", (event) => {
    const at = list.indexOf(current);
    const forward = ["Tab", "ArrowDown", "ArrowRight"].includes(event.key) && !event.shiftKey;
    const backward = event.key === "ArrowUp" || event.key === "ArrowLeft" || (event.key === "Tab" && event.shiftKey);
    if (forward || backward) {
      event.preventDefault();
      const next = list[Math.min(Math.max(at + (forward ? 1 : -1), 0), list.length - 1)];
      if (next) focus(next);
    } else if (["Enter", " ", "?", "*"].includes(event.key) || event.code === "NumpadMultiply") {
      event.preventDefault();
      if (event.key === "Enter" || event.key === " ") { if (current) focus(current); } else say(list.slice(0, 2));
    }
  });

  // On arrival: what happened and what to do, then that the kiosk comes back by itself.
  caches.open(CACHE)
    .then((cache) => cache.match(mapAddress(lang)))
    .then((kept) => (kept ? kept.json() : {}))
    .catch(() => ({}))
    .then((found) => {
      words = found;
      current = list[0] || null;
      if (current) current.setAttribute("data-speech-current", "");
      say(list.slice(0, 2));
    });
})();
