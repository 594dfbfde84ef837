// The kiosk's one voice: every clip it plays goes through here, so reading aloud and speech mode share
// one volume (Web Audio gain, up to +12 dB: HTMLMediaElement.volume stops at 1.0), one way of fetching
// clips, and one rule: new speech interrupts the old at once, and the last request wins.
//
// window.kioskVoice is the small API the other scripts use:
//   say(phrases, {polite})  speak texts of the screen; a phrase is {text, lang?, segments?, spell?}
//   stop()                  silence speech at once
//   prepare(phrases)        work out a screen's clips ahead of the first touch
//   connect(audio, active)  route reading aloud's element through the shared volume; active() says
//                           whether it is reading, so speech can pause it and let it go on after
//   louder(), quieter(), volume(), reset()
// Each utterance that starts is announced as a "kiosk:spoken" event with its clips' addresses.
"use strict";

window.kioskVoice = (function () {
  const config = JSON.parse(document.getElementById("kiosk-speech").textContent);
  const strings = config.strings;
  const steps = config.volume.steps;
  const status = document.getElementById("kiosk-status");
  const MAX_CLIPS = 400;  // object URLs kept; a screen needs far fewer

  let context = null;
  let gain = null;
  // The volume lasts the visit, across a full page load (a language change, the offline page); the
  // reset forgets it with the rest of the visit's storage.
  const VOLUME = "kiosk-volume-db";
  let level = config.volume.default;
  try {
    const stored = sessionStorage.getItem(VOLUME);
    if (stored !== null && steps.includes(Number(stored))) level = steps.indexOf(Number(stored));
  } catch (error) { /* storage may be disabled: the default */ }
  const label = new Audio();  // speech mode's element; reading aloud has its own
  label.preload = "auto";
  let reader = null;          // {audio, active}
  let ducked = false;         // reading paused for speech, to go on when speech ends

  let generation = 0;         // bumped by every new utterance and every stop
  let finishClip = null;      // ends the clip now playing
  let speaking = false;
  let pending = null;         // one polite announcement waiting for the current speech to end
  let noteTimer = 0;
  let lastAlarm = 0;

  // --- The sound path ----------------------------------------------------------------------------
  /** Build the audio graph once: every element -> volume -> a limiter that keeps +12 dB from clipping. */
  function graph() {
    if (context) return context;
    context = new AudioContext();
    gain = context.createGain();
    const limiter = context.createDynamicsCompressor();
    limiter.threshold.value = -1;
    limiter.knee.value = 0;
    limiter.ratio.value = 20;
    limiter.attack.value = 0.002;
    limiter.release.value = 0.1;
    gain.connect(limiter).connect(context.destination);
    gain.gain.value = decibels(steps[level]);
    context.createMediaElementSource(label).connect(gain);
    return context;
  }

  function decibels(db) { return Math.pow(10, db / 20); }

  /** A browser that wants a gesture first (the kiosk's does not) gets one on the next touch or key. */
  function wake() { if (context && context.state === "suspended") context.resume().catch(() => {}); }
  for (const type of ["pointerdown", "keydown"]) window.addEventListener(type, wake, { capture: true, passive: true });

  function connect(audio, active) {
    graph().createMediaElementSource(audio).connect(gain);
    reader = { audio, active };
  }

  function setLevel(value) {
    level = value;
    try { sessionStorage.setItem(VOLUME, String(steps[level])); } catch (error) { /* storage may be disabled */ }
    if (gain) gain.gain.setTargetAtTime(decibels(steps[level]), context.currentTime, 0.01);
  }

  /** One step louder; returns the words that say so. */
  function louder() {
    if (level >= steps.length - 1) return strings.loudest;
    setLevel(level + 1);
    return volumeWords();
  }

  function quieter() {
    if (level <= 0) return strings.quietest;
    setLevel(level - 1);
    return volumeWords();
  }

  function volumeWords() {
    return strings.volume.replace("{level}", level + 1).replace("{levels}", steps.length);
  }

  function volume() { return { level: level + 1, levels: steps.length, db: steps[level], gain: decibels(steps[level]) }; }

  /** Two falling beeps: what speech mode plays when it has no words to play (EN 301 549: never silence). */
  function tone() {
    const audio = graph();
    const start = audio.currentTime + 0.01;
    [660, 440].forEach((frequency, i) => {
      const oscillator = audio.createOscillator();
      const envelope = audio.createGain();
      const at = start + i * 0.2;
      oscillator.frequency.value = frequency;
      envelope.gain.setValueAtTime(0.0001, at);
      envelope.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      envelope.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      oscillator.connect(envelope).connect(gain);
      oscillator.start(at);
      oscillator.stop(at + 0.19);
    });
    document.dispatchEvent(new CustomEvent("kiosk:spoken", { detail: { clips: [], texts: [], tone: true } }));
  }

  // --- Clips -------------------------------------------------------------------------------------
  const clips = new Map();  // address -> Promise of an object URL

  /** Fetch a clip once; a failure carries the server's message and status. */
  function load(address) {
    if (!clips.has(address)) {
      const loading = fetch(address).then(async (response) => {
        if (!response.ok) {
          let message = strings.unavailable;
          try { message = (await response.json()).error || message; } catch (error) { /* not JSON */ }
          throw Object.assign(new Error(message), { status: response.status });
        }
        return URL.createObjectURL(await response.blob());
      });
      clips.set(address, loading);
      loading.catch(() => clips.delete(address));  // so a later touch tries again
      if (clips.size > MAX_CLIPS) {
        const [oldest, url] = clips.entries().next().value;
        clips.delete(oldest);
        url.then((object) => { if (label.src !== object) URL.revokeObjectURL(object); }, () => {});
      }
    }
    return clips.get(address);
  }

  // --- Working out a text's clips ----------------------------------------------------------------
  const resolved = new Map();  // phrase key -> Promise of {status, clips}
  let batch = [];

  function keyOf(phrase) {
    return [phrase.lang || config.lang, phrase.spell ? "1" : "", phrase.text, ...(phrase.segments || [])].join("\u0001");
  }

  /** Ask the server how to speak some phrases; phrases asked for in the same moment share one request. */
  function resolve(phrase) {
    const key = keyOf(phrase);
    if (!resolved.has(key)) {
      let settle;
      const answer = new Promise((resolve, reject) => { settle = { resolve, reject }; });
      resolved.set(key, answer);
      answer.catch(() => resolved.delete(key));
      if (!batch.length) queueMicrotask(flush);  // everything asked for in this moment goes in one request
      batch.push({ phrase, settle });
    }
    return resolved.get(key);
  }

  async function flush() {
    const asked = batch;
    batch = [];
    for (let i = 0; i < asked.length; i += 200) {
      const part = asked.slice(i, i + 200);
      try {
        const response = await fetch(config.say, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ phrases: part.map((item) => item.phrase) }),
        });
        if (!response.ok) throw Object.assign(new Error(strings.unavailable), { status: response.status });
        const answers = (await response.json()).phrases;
        part.forEach((item, j) => item.settle.resolve(answers[j]));
      } catch (error) {
        const failure = error.status ? error : Object.assign(new Error(strings.offline), { status: 0 });
        for (const item of part) item.settle.reject(failure);
      }
    }
  }

  function prepare(phrases) {
    for (const phrase of phrases) resolve(phrase).catch(() => {});
  }

  // --- Speaking ----------------------------------------------------------------------------------
  function halt() {
    generation += 1;
    label.pause();
    if (finishClip) finishClip();
  }

  /** Pause reading aloud while speech mode speaks over it. */
  function duck() {
    if (reader && reader.active() && !reader.audio.paused) {
      reader.audio.pause();
      ducked = true;
    }
  }

  function unduck() {
    if (ducked && reader && reader.active()) reader.audio.play().catch(() => {});
    ducked = false;
  }

  function play(url, address, mine) {
    return new Promise((done) => {
      if (mine !== generation) { done(false); return; }
      const end = (finished) => {
        label.removeEventListener("ended", ended);
        label.removeEventListener("error", failed);
        if (finishClip === cut) finishClip = null;
        done(finished);
      };
      const ended = () => end(true);
      const failed = () => end(true);
      const cut = () => end(false);
      finishClip = cut;
      label.addEventListener("ended", ended);
      label.addEventListener("error", failed);
      label.src = url;
      label.dataset.clip = address;
      label.play().catch(() => end(true));
    });
  }

  /** Speak phrases now, cutting off whatever speech mode was saying; polite waits for it to finish. */
  async function say(phrases, options = {}) {
    if (options.polite && speaking) { pending = phrases; return; }
    halt();
    const mine = generation;
    speaking = true;
    pending = null;
    graph();
    duck();
    try {
      await speak(phrases, mine);
    } finally {
      if (mine === generation) {
        speaking = false;
        if (pending) { const next = pending; pending = null; say(next); } else unduck();
      }
    }
  }

  async function speak(phrases, mine) {
    let answers;
    try {
      answers = await Promise.all(phrases.map(resolve));
    } catch (error) {
      if (mine === generation) alarm(error);
      return;
    }
    if (mine !== generation) return;
    const parts = answers.flatMap((answer) => (answer.status === "ready" ? answer.clips : []));
    if (!parts.length) {
      if (answers.some((answer) => answer.status === "no-voice")) note(strings.no_voice);
      tone();
      return;
    }
    const loads = parts.map((part) => load(part.audio));  // all at once, so no gap between them
    loads.forEach((loading) => loading.catch(() => {}));
    for (let i = 0; i < parts.length; i++) {
      let url;
      try {
        url = await loads[i];
      } catch (error) {
        if (mine !== generation) return;
        if (error.status === 404) continue;  // nothing to say in this piece: say the rest
        alarm(error);
        return;
      }
      if (mine !== generation) return;
      const playing = play(url, parts[i].audio, mine);
      if (i === 0) {
        document.dispatchEvent(new CustomEvent("kiosk:spoken", {
          detail: { clips: parts.map((part) => part.audio), texts: parts.map((part) => part.text), tone: false },
        }));
      }
      if (!(await playing)) return;
    }
  }

  function stop() {
    halt();
    speaking = false;
    pending = null;
    unduck();
  }

  // --- When speech cannot be had -----------------------------------------------------------------
  const alarms = {};  // message -> Promise of its clips [{address, url}] in memory, or null

  /** Fetch a clip into memory for the whole visit, out of reach of the clips' size limit. */
  async function keep(address) {
    const response = await fetch(address);
    if (!response.ok) throw Object.assign(new Error(strings.unavailable), { status: response.status });
    return URL.createObjectURL(await response.blob());
  }

  /** Fetch the clips that say speech or the server is unavailable, while both still work. */
  function ready() {
    for (const message of [strings.unavailable, strings.offline]) {
      if (alarms[message]) continue;
      alarms[message] = resolve({ text: message })
        .then((answer) => {
          if (answer.status !== "ready" || !answer.clips.length) return null;
          return Promise.all(answer.clips.map(async (clip) => ({ address: clip.audio, url: await keep(clip.audio) })));
        })
        .catch(() => { delete alarms[message]; return null; });  // try again with the next screen
    }
  }

  /** Say that speech failed: in words rendered while it worked if there are any, else a tone; show the note. */
  async function alarm(error) {
    const message = error.status === 0 ? strings.offline : strings.unavailable;
    note(error.status === 0 ? strings.offline : error.message || strings.unavailable);
    if (Date.now() - lastAlarm < 3000) return;  // a burst of failures says so once
    lastAlarm = Date.now();
    const words = alarms[message] ? await alarms[message] : null;
    halt();
    const mine = generation;
    if (!words) { tone(); return; }
    speaking = true;
    for (const word of words) if (!(await play(word.url, word.address, mine))) return;
    if (mine === generation) speaking = false;
  }

  /** Show a note to sighted visitors in the status area; speech mode knows it has already been voiced. */
  function note(message) {
    clearTimeout(noteTimer);
    status.dataset.voiced = message;
    status.textContent = message;
    noteTimer = setTimeout(() => { status.textContent = ""; }, 6000);
  }

  function reset() {
    stop();
    setLevel(config.volume.default);
  }

  document.addEventListener("kiosk:reset", reset);
  window.addEventListener("pagehide", stop);

  return { config, say, stop, prepare, ready, connect, louder, quieter, volume, reset, tone, speaking: () => speaking };
})();
