#!/usr/bin/env node
// Vendored into Raft Playground for scripts/perf.sh from the workplace's shared measuring
// tool (which carries no licence header of its own); only these three lines are added.
// Its one dependency, playwright-core, is in package.json.
// measure-page.mjs — browser performance harness (load cost + running cost) for
// single-page visualizers. Drives headless Chromium through playwright-core
// and the Chrome DevTools Protocol (CDP).
//
//   node measure-page.mjs URL --ready SELECTOR [options]
//
// Prints a JSON report on stdout and a short human summary on stderr.
// Run `node measure-page.mjs --help` for the options. Needs playwright-core (npm) and Debian chromium.

import { chromium } from 'playwright-core';
import { gzipSync, inflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const HELP = `usage: node measure-page.mjs URL --ready SELECTOR [options]
       node measure-page.mjs --table REPORT.json [REPORT.json ...]   (markdown table of medians)

  --ready SEL        CSS selector whose first appearance marks "ready" (required)
  --start JS         JS expression evaluated in the page after ready+settle
                     (e.g. to press play or set the speed); may return a promise
  --click SEL        click this element (trusted Playwright click) before --start
  --press KEY        press this key (Playwright keyboard) before --start
  --seconds N        sampling window length in seconds (default 10)
  --runs N           independent runs, each in a fresh browser + empty profile;
                     medians are reported (default 1)
  --viewport WxH     viewport in CSS px, device scale factor 1 (default 1280x800)
  --settle MS        wait after ready AND the load event, before --start (default 1000)
  --warmup MS        wait after --start, before sampling (default 1000)
  --timeout MS       max wait for load/ready (default 30000)
  --cpu-throttle N   CDP Emulation.setCPUThrottlingRate (default 1 = off)
  --screenshot PFX   after the measured runs, one extra unmeasured pass: screenshot
                     at --shot-at s after start (PFX-a.png) and 1 s later (PFX-b.png),
                     and report the fraction of pixels that changed
  --shot-at S        seconds after start for the first screenshot (default 5)
  --label NAME       label used in the summary/JSON (default: the URL)
  --out FILE         also write the JSON report to FILE
  --chromium PATH    browser binary (default /usr/bin/chromium)
  --arg FLAG         extra Chromium flag (repeatable)
`;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    url: null, ready: null, start: null, click: null, press: null,
    seconds: 10, runs: 1, viewport: '1280x800', settle: 1000, warmup: 1000,
    timeout: 30000, cpuThrottle: 1, screenshot: null, shotAt: 5,
    label: null, out: null, chromium: '/usr/bin/chromium', extraArgs: [],
  };
  const num = (v, k) => { const n = Number(v); if (!Number.isFinite(n)) throw new Error(`${k}: not a number: ${v}`); return n; };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '-h': case '--help': process.stdout.write(HELP); process.exit(0);
      case '--ready': o.ready = next(); break;
      case '--start': o.start = next(); break;
      case '--click': o.click = next(); break;
      case '--press': o.press = next(); break;
      case '--seconds': o.seconds = num(next(), a); break;
      case '--runs': o.runs = Math.max(1, Math.floor(num(next(), a))); break;
      case '--viewport': o.viewport = next(); break;
      case '--settle': o.settle = num(next(), a); break;
      case '--warmup': o.warmup = num(next(), a); break;
      case '--timeout': o.timeout = num(next(), a); break;
      case '--cpu-throttle': o.cpuThrottle = num(next(), a); break;
      case '--screenshot': o.screenshot = next(); break;
      case '--shot-at': o.shotAt = num(next(), a); break;
      case '--label': o.label = next(); break;
      case '--out': o.out = next(); break;
      case '--chromium': o.chromium = next(); break;
      case '--arg': o.extraArgs.push(next()); break;
      default:
        if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        if (o.url) throw new Error(`unexpected argument ${a}`);
        o.url = a;
    }
  }
  if (!o.url || !o.ready) { process.stderr.write(HELP); process.exit(2); }
  const m = /^(\d+)x(\d+)$/.exec(o.viewport);
  if (!m) throw new Error(`--viewport must look like 1280x800`);
  o.vw = Number(m[1]); o.vh = Number(m[2]);
  o.label ??= o.url;
  return o;
}

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Injected before any page script runs: ready-selector watcher, long-task and
// long-animation-frame observers, and the rAF sampler used later.
function initScript(selector) {
  return `(() => {
  const P = window.__perf = { readyAt: null, readyFrameAt: null, longtasks: [], loafs: [] };
  const sel = ${JSON.stringify(selector)};
  let mo = null;
  const check = () => {
    if (P.readyAt !== null) return;
    let hit = null;
    try { hit = document.querySelector(sel); } catch (e) { P.selectorError = String(e); }
    if (hit) {
      P.readyAt = performance.now();
      // "painted" ~ the task right after the next rendering update (rAF + message)
      requestAnimationFrame(() => {
        const mc = new MessageChannel();
        mc.port1.onmessage = () => { P.readyFrameAt = performance.now(); };
        mc.port2.postMessage(0);
      });
      if (mo) mo.disconnect();
    }
  };
  mo = new MutationObserver(check);
  mo.observe(document, { childList: true, subtree: true, attributes: true });
  document.addEventListener('DOMContentLoaded', check);
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) P.longtasks.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { P.longtaskUnsupported = true; }
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) P.loafs.push([e.startTime, e.duration, e.blockingDuration || 0]); })
      .observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) { P.loafUnsupported = true; }
  P.sampleFrames = (ms) => new Promise((resolve) => {
    const ts = [];
    const f = (t) => { ts.push(t); if (t - ts[0] < ms) requestAnimationFrame(f); else resolve(ts); };
    requestAnimationFrame(f);
  });
})();`;
}

// ---------------------------------------------------------------- helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);
const r3 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);
function quantile(sorted, q) {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function median(xs) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? quantile(v, 0.5) : null;
}
const metricMap = (res) => Object.fromEntries(res.metrics.map((m) => [m.name, m.value]));

// Which response bodies get a gzip-equivalent size (others count at raw size).
function compressibleKind(mime, url) {
  mime = (mime || '').toLowerCase();
  const path = url.split(/[?#]/)[0].toLowerCase();
  if (mime.includes('wasm') || path.endsWith('.wasm')) return 'wasm';
  if (mime.includes('javascript') || mime.includes('ecmascript') || /\.m?js$/.test(path)) return 'js';
  if (mime.includes('css') || path.endsWith('.css')) return 'css';
  if (mime.includes('html') || /\.html?$/.test(path)) return 'html';
  return null;
}

async function launch(o) {
  // headless:false + our own --headless=new so the exact flag set is ours.
  // launch() gives every browser a fresh, empty temporary profile directory.
  return chromium.launch({
    executablePath: o.chromium, headless: false,
    args: [...CHROMIUM_ARGS, ...o.extraArgs],
  });
}

// Load the page and bring it to "started": returns handles + load-phase data.
async function openAndStart(o, browser, withNetwork) {
  const context = await browser.newContext({ viewport: { width: o.vw, height: o.vh }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.addInitScript({ content: initScript(o.ready) });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  if (o.cpuThrottle !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: o.cpuThrottle });

  const reqs = new Map(); // requestId -> record
  let phase = 'load';
  if (withNetwork) {
    await cdp.send('Network.enable', { maxResourceBufferSize: 64 << 20, maxTotalBufferSize: 256 << 20 });
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!reqs.has(e.requestId)) reqs.set(e.requestId, { id: e.requestId, url: e.request.url, phase, type: e.type, status: null, mime: null, wire: 0, done: false, failed: null });
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = reqs.get(e.requestId); if (!r) return;
      r.status = e.response.status; r.mime = e.response.mimeType; r.type = e.type;
      r.fromCache = !!(e.response.fromDiskCache || e.response.fromServiceWorker);
    });
    cdp.on('Network.loadingFinished', (e) => { const r = reqs.get(e.requestId); if (r) { r.wire = e.encodedDataLength; r.done = true; } });
    cdp.on('Network.loadingFailed', (e) => { const r = reqs.get(e.requestId); if (r) { r.failed = e.errorText || 'failed'; r.done = true; } });
  }

  await page.goto(o.url, { waitUntil: 'load', timeout: o.timeout });
  await page.waitForFunction(() => window.__perf && window.__perf.readyAt !== null && window.__perf.readyFrameAt !== null,
    null, { timeout: o.timeout, polling: 50 });
  await sleep(o.settle);

  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      responseEnd: n?.responseEnd, dcl: n?.domContentLoadedEventStart, dclEnd: n?.domContentLoadedEventEnd,
      load: n?.loadEventStart, loadEnd: n?.loadEventEnd, fcp: fcp ? fcp.startTime : null,
      ready: window.__perf.readyAt, readyFrame: window.__perf.readyFrameAt, selectorError: window.__perf.selectorError || null,
    };
  });

  let load = null;
  if (withNetwork) {
    // Bodies for the gzip-equivalent figure (python http.server never compresses).
    const list = [...reqs.values()];
    let transfer = 0, body = 0, gz = 0;
    const byKind = {};
    const failed = [];
    for (const r of list) {
      if (r.failed || (r.status && r.status >= 400)) failed.push(`${r.status ?? ''} ${r.failed ?? ''} ${r.url}`.trim());
      transfer += r.wire || 0;
      let buf = null;
      if (r.done && !r.failed && r.status && r.status < 300) {
        try {
          const b = await cdp.send('Network.getResponseBody', { requestId: r.id });
          buf = Buffer.from(b.body, b.base64Encoded ? 'base64' : 'utf8');
        } catch { /* body evicted or unavailable */ }
      }
      const raw = buf ? buf.length : 0;
      const kind = compressibleKind(r.mime, r.url);
      const g = buf && kind ? gzipSync(buf, { level: 9 }).length : raw;
      r.body = raw; r.gz = g; r.kind = kind || (r.type || 'other').toLowerCase();
      body += raw; gz += g;
      const k = byKind[r.kind] ??= { n: 0, raw: 0, gz: 0 };
      k.n++; k.raw += raw; k.gz += g;
    }
    load = {
      requests: list.length, transferBytes: transfer, bodyBytes: body, gzBytes: gz, byKind, failed,
      resources: list.map((r) => ({ url: r.url, status: r.status, mime: r.mime, wire: r.wire, body: r.body, gz: r.gz })),
    };
    phase = 'run';
  }

  // Start: trusted click / key press, then the JS snippet.
  if (o.click) await page.click(o.click, { timeout: o.timeout });
  if (o.press) await page.keyboard.press(o.press);
  let startResult = null;
  if (o.start) {
    // A string is evaluated through CDP Runtime.evaluate (not subject to the
    // page's CSP); a returned promise is awaited. Keep a short echo of the value.
    const h = await page.evaluateHandle(o.start);
    startResult = await h.evaluate((v) => {
      try { const j = JSON.stringify(v ?? null); return j.length <= 500 ? JSON.parse(j) : `${j.slice(0, 500)}...`; }
      catch { return String(v).slice(0, 500); }
    });
    await h.dispose();
  }
  await sleep(o.warmup);
  return { context, page, cdp, nav, load, reqs, errors, startResult };
}

async function procCpu(bs) {
  const { processInfo } = await bs.send('SystemInfo.getProcessInfo');
  const t = { total: 0 };
  for (const p of processInfo) { t.total += p.cpuTime; t[p.type] = (t[p.type] || 0) + p.cpuTime; }
  return t;
}

async function oneRun(o, idx) {
  const browser = await launch(o);
  try {
    const bs = await browser.newBrowserCDPSession();
    const { context, page, cdp, nav, load, reqs, errors, startResult } = await openAndStart(o, browser, true);

    // ---- sampling window
    const m0 = metricMap(await cdp.send('Performance.getMetrics'));
    const c0 = await procCpu(bs);
    const w0 = await page.evaluate(() => performance.now());
    const ts = await page.evaluate((ms) => window.__perf.sampleFrames(ms), o.seconds * 1000);
    const w1 = await page.evaluate(() => performance.now());
    const m1 = metricMap(await cdp.send('Performance.getMetrics'));
    const c1 = await procCpu(bs);
    const perf = await page.evaluate(() => ({ longtasks: window.__perf.longtasks, loafs: window.__perf.loafs,
      ltUnsupported: !!window.__perf.longtaskUnsupported, loafUnsupported: !!window.__perf.loafUnsupported }));
    const runReqs = [...reqs.values()].filter((r) => r.phase === 'run');

    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const m2 = metricMap(await cdp.send('Performance.getMetrics'));

    // ---- frame statistics (rAF callback timestamps)
    const iv = [];
    for (let i = 1; i < ts.length; i++) iv.push(ts[i] - ts[i - 1]);
    const sorted = [...iv].sort((a, b) => a - b);
    const span = ts.length > 1 ? ts[ts.length - 1] - ts[0] : NaN;
    const inWin = (s) => s >= w0 && s <= w1;
    const lt = perf.longtasks.filter(([s]) => inWin(s));
    const loaf = perf.loafs.filter(([s]) => inWin(s));
    const dWall = m1.Timestamp - m0.Timestamp; // seconds
    const frac = (k) => (m1[k] - m0[k]) / dWall;

    const run = {
      seconds: r3(dWall),
      frames: iv.length,
      fps: r1((iv.length / span) * 1000),
      frameMs: { mean: r1(span / iv.length), p50: r1(quantile(sorted, 0.5)), p95: r1(quantile(sorted, 0.95)),
        p99: r1(quantile(sorted, 0.99)), max: r1(sorted[sorted.length - 1]) },
      framesOver25ms: iv.filter((x) => x > 25).length,
      framesOver50ms: iv.filter((x) => x > 50).length,
      longTasks: perf.ltUnsupported ? null : lt.length,
      longTaskMs: perf.ltUnsupported ? null : r1(lt.reduce((a, [, d]) => a + d, 0)),
      longAnimFrames: perf.loafUnsupported ? null : loaf.length,
      loafBlockingMs: perf.loafUnsupported ? null : r1(loaf.reduce((a, [, , b]) => a + b, 0)),
      mainBusyPct: r1(100 * frac('TaskDuration')),
      scriptPct: r1(100 * frac('ScriptDuration')),
      layoutPct: r1(100 * frac('LayoutDuration')),
      stylePct: r1(100 * frac('RecalcStyleDuration')),
      mainThreadCpuPct: r1(100 * frac('ThreadTime')),
      layoutsPerSec: r1((m1.LayoutCount - m0.LayoutCount) / dWall),
      styleRecalcsPerSec: r1((m1.RecalcStyleCount - m0.RecalcStyleCount) / dWall),
      cpuCores: {
        total: r3((c1.total - c0.total) / dWall),
        renderer: r3(((c1.renderer || 0) - (c0.renderer || 0)) / dWall),
        gpu: r3(((c1.GPU || 0) - (c0.GPU || 0)) / dWall),
        browser: r3(((c1.browser || 0) - (c0.browser || 0)) / dWall),
      },
      heapUsedMB: r1(m1.JSHeapUsedSize / 1048576),
      heapTotalMB: r1(m1.JSHeapTotalSize / 1048576),
      heapAfterGcMB: r1(m2.JSHeapUsedSize / 1048576),
      domNodes: m1.Nodes,
      requestsAfterLoadPhase: runReqs.length,
      transferBytesAfterLoadPhase: runReqs.reduce((a, r) => a + (r.wire || 0), 0),
    };
    const loadOut = {
      ...load,
      dclMs: r1(nav.dcl), dclEndMs: r1(nav.dclEnd), loadMs: r1(nav.load), loadEndMs: r1(nav.loadEnd), fcpMs: r1(nav.fcp),
      readyMs: r1(nav.ready), readyPaintMs: r1(nav.readyFrame),
      longTasksBeforeRun: perf.longtasks.filter(([s]) => s < w0).length,
      longTaskMsBeforeRun: r1(perf.longtasks.filter(([s]) => s < w0).reduce((a, [, d]) => a + d, 0)),
    };
    if (nav.selectorError) errors.push(`selector: ${nav.selectorError}`);
    await context.close();
    const runResources = runReqs.map((r) => ({ url: r.url, status: r.status, mime: r.mime, wire: r.wire }));
    return { run: idx + 1, startResult, load: loadOut, running: run, runResources, errors };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- screenshots
// Minimal PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium emits).
function decodePng(buf) {
  let p = 8, w = 0, h = 0, ct = 0, bd = 0, il = 0; const idat = [];
  while (p < buf.length) {
    const len = buf.readUInt32BE(p), type = buf.toString('ascii', p + 4, p + 8), d = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') { w = d.readUInt32BE(0); h = d.readUInt32BE(4); bd = d[8]; ct = d[9]; il = d[12]; }
    else if (type === 'IDAT') idat.push(d);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  const bpp = ct === 6 ? 4 : ct === 2 ? 3 : 0;
  if (bd !== 8 || !bpp || il) return null;
  const raw = inflateSync(Buffer.concat(idat)), stride = w * bpp, out = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[dst + x - bpp] : 0, b = y ? out[dst - stride + x] : 0, c = x >= bpp && y ? out[dst - stride + x - bpp] : 0;
      let v = raw[src + x];
      if (f === 1) v += a; else if (f === 2) v += b; else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const pp = a + b - c, pa = Math.abs(pp - a), pb = Math.abs(pp - b), pc = Math.abs(pp - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      out[dst + x] = v & 255;
    }
  }
  return { w, h, bpp, px: out };
}
function pixelDiff(a, b) {
  if (a.equals(b)) return { changedPixels: 0, changedPct: 0 };
  const A = decodePng(a), B = decodePng(b);
  if (!A || !B || A.w !== B.w || A.h !== B.h || A.bpp !== B.bpp) return { changedPixels: null, changedPct: null, note: 'bytes differ; could not decode for pixel diff' };
  let n = 0;
  for (let i = 0; i < A.px.length; i += A.bpp) {
    for (let k = 0; k < A.bpp; k++) if (A.px[i + k] !== B.px[i + k]) { n++; break; }
  }
  return { changedPixels: n, changedPct: r3((100 * n) / (A.w * A.h)) };
}
async function screenshotPass(o) {
  const browser = await launch(o);
  try {
    const { context, page, errors } = await openAndStart(o, browser, false);
    await sleep(Math.max(0, o.shotAt * 1000 - o.warmup));
    const a = await page.screenshot({ type: 'png' });
    await sleep(1000);
    const b = await page.screenshot({ type: 'png' });
    const fa = `${o.screenshot}-a.png`, fb = `${o.screenshot}-b.png`;
    mkdirSync(dirname(fa), { recursive: true });
    writeFileSync(fa, a); writeFileSync(fb, b);
    await context.close();
    return { files: [fa, fb], atSecondsAfterStart: [o.shotAt, o.shotAt + 1], ...pixelDiff(a, b), errors };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- report
function medians(runs) {
  // Median of every numeric leaf, across runs (same shape as one run).
  const walk = (objs) => {
    const first = objs[0];
    if (typeof first === 'number') return median(objs);
    if (first && typeof first === 'object' && !Array.isArray(first)) {
      const out = {};
      for (const k of Object.keys(first)) {
        if (k === 'resources' || k === 'failed' || k === 'byKind') continue;
        const v = walk(objs.map((x) => x?.[k]));
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    return undefined;
  };
  return { load: walk(runs.map((r) => r.load)), running: walk(runs.map((r) => r.running)) };
}

function summary(rep) {
  const m = rep.median, L = m.load, R = m.running;
  const kb = (b) => (b == null ? '?' : `${(b / 1024).toFixed(1)} KiB`);
  const rng = (get) => {
    const v = rep.runs.map(get).filter((x) => x != null);
    if (v.length < 2) return '';
    const lo = Math.min(...v), hi = Math.max(...v);
    return lo === hi ? '' : ` [${r1(lo)}–${r1(hi)}]`;
  };
  const lines = [
    `== ${rep.label}  (${rep.runs.length} run${rep.runs.length > 1 ? 's' : ''}, medians [min–max]; viewport ${rep.options.viewport}; ${rep.options.seconds}s window)`,
    `load:    ${L.requests} requests, transfer ${kb(L.transferBytes)}, bodies ${kb(L.bodyBytes)}, gzip-equiv ${kb(L.gzBytes)}`,
    `         DCL ${L.dclMs} ms${rng((r) => r.load.dclMs)}, load ${L.loadMs} ms${rng((r) => r.load.loadMs)}, FCP ${L.fcpMs} ms, ready(${rep.options.ready}) ${L.readyMs} ms${rng((r) => r.load.readyMs)} (next frame done ${L.readyPaintMs} ms)`,
    `running: ${R.fps} fps${rng((r) => r.running.fps)}, frame interval p50 ${R.frameMs.p50} / p95 ${R.frameMs.p95}${rng((r) => r.running.frameMs.p95)} / p99 ${R.frameMs.p99}${rng((r) => r.running.frameMs.p99)} / max ${R.frameMs.max} ms, frames >25ms: ${R.framesOver25ms}`,
    `         long tasks ${R.longTasks} (${R.longTaskMs} ms), LoAF ${R.longAnimFrames} (blocking ${R.loafBlockingMs} ms)`,
    `         main thread busy ${R.mainBusyPct}%${rng((r) => r.running.mainBusyPct)} (script ${R.scriptPct}%, layout ${R.layoutPct}%, style ${R.stylePct}%), main-thread CPU ${R.mainThreadCpuPct}%`,
    `         CPU cores used: total ${R.cpuCores.total} (renderer ${R.cpuCores.renderer}, GPU ${R.cpuCores.gpu}, browser ${R.cpuCores.browser})`,
    `         JS heap ${R.heapUsedMB} MB at end (${R.heapAfterGcMB} MB after GC), DOM nodes ${R.domNodes}, requests after load phase ${R.requestsAfterLoadPhase} (${kb(R.transferBytesAfterLoadPhase)})`,
  ];
  if (rep.options.start) lines.push(`start:   ${rep.options.start}  ->  ${JSON.stringify(rep.runs[0].startResult)}`);
  const failed = [...new Set(rep.runs.flatMap((r) => r.load.failed || []))];
  if (failed.length) lines.push(`  ! failed/4xx requests: ${failed.join('; ')}`);
  const errs = [...new Set(rep.runs.flatMap((r) => r.errors))];
  if (errs.length) lines.push(`  ! page errors: ${errs.slice(0, 5).join(' | ')}`);
  if (rep.screenshots) {
    const s = rep.screenshots;
    lines.push(`shots:   ${s.files.join(', ')} (at ${s.atSecondsAfterStart.join(' s, ')} s after start): ${s.changedPixels} px changed (${s.changedPct}%)`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- main
// `--table a.json b.json ...`: one markdown row per saved report (its medians).
function table(files) {
  const cols = [
    ['label', (r) => r.label],
    ['req', (r) => r.median.load.requests],
    ['raw KiB', (r) => (r.median.load.bodyBytes / 1024).toFixed(1)],
    ['gz KiB', (r) => (r.median.load.gzBytes / 1024).toFixed(1)],
    ['DCL ms', (r) => r.median.load.dclMs],
    ['load ms', (r) => r.median.load.loadMs],
    ['ready ms', (r) => r.median.load.readyMs],
    ['ready+frame ms', (r) => r.median.load.readyPaintMs],
    ['fps', (r) => r.median.running.fps],
    ['p95 ms', (r) => r.median.running.frameMs.p95],
    ['p99 ms', (r) => r.median.running.frameMs.p99],
    ['long tasks (ms)', (r) => `${r.median.running.longTasks} (${r.median.running.longTaskMs})`],
    ['main busy %', (r) => r.median.running.mainBusyPct],
    ['main CPU %', (r) => r.median.running.mainThreadCpuPct],
    ['cores: all / GPU proc', (r) => `${r.median.running.cpuCores.total} / ${r.median.running.cpuCores.gpu}`],
    ['heap MB (after GC)', (r) => `${r.median.running.heapUsedMB} (${r.median.running.heapAfterGcMB})`],
  ];
  const out = [`| ${cols.map((c) => c[0]).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const f of files) {
    const r = JSON.parse(readFileSync(f, 'utf8'));
    out.push(`| ${cols.map(([, get]) => { try { return get(r) ?? ''; } catch { return ''; } }).join(' | ')} |`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function main() {
  if (process.argv[2] === '--table') return table(process.argv.slice(3));
  const o = parseArgs(process.argv);
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    process.stderr.write(`[measure] ${o.label}: run ${i + 1}/${o.runs}\n`);
    runs.push(await oneRun(o, i));
  }
  const rep = {
    label: o.label, url: o.url, when: new Date().toISOString(),
    options: { ready: o.ready, start: o.start, click: o.click, press: o.press, seconds: o.seconds, runs: o.runs,
      viewport: o.viewport, settle: o.settle, warmup: o.warmup, cpuThrottle: o.cpuThrottle },
    browser: { executable: o.chromium, args: [...CHROMIUM_ARGS, ...o.extraArgs] },
    median: medians(runs), runs,
  };
  {
    const b = await launch(o);
    rep.browser.version = b.version();
    try { // the command line Chromium really got (Debian wrapper + Playwright defaults + ours)
      const { processInfo } = await (await b.newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
      const pid = processInfo.find((p) => p.type === 'browser')?.id;
      rep.browser.commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch { /* not Linux, or no access */ }
    const p = await b.newPage();
    rep.browser.webgl = await p.evaluate(() => {
      const c = document.createElement('canvas'); const gl = c.getContext('webgl2') || c.getContext('webgl');
      if (!gl) return 'unavailable';
      const d = gl.getExtension('WEBGL_debug_renderer_info');
      return d ? gl.getParameter(d.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    });
    await b.close();
  }
  if (o.screenshot) {
    process.stderr.write(`[measure] ${o.label}: screenshot pass (unmeasured)\n`);
    rep.screenshots = await screenshotPass(o);
  }
  const json = JSON.stringify(rep, null, 2);
  if (o.out) { mkdirSync(dirname(o.out), { recursive: true }); writeFileSync(o.out, json + '\n'); }
  process.stdout.write(json + '\n');
  process.stderr.write(summary(rep));
}

main().catch((e) => { process.stderr.write(`[measure] error: ${e && e.stack ? e.stack : e}\n`); process.exit(1); });
