// Opens every page of a report folder in headless chromium (puppeteer-core, no download) at each width and prints
// one JSON object: per page and width the rendered text, horizontal overflow, overlapping text boxes in charts,
// the smallest chart text, the charts without table or CSV link, console errors, requests leaving the folder and
// the serious/critical axe-core violations (every page at the widest width, the screenshot pages at every width;
// null where not run). Screenshots of the pages named in the shots list go to the output folder.
// Usage: node check_report.js <report dir> <screenshot dir> <chromium> <widths, e.g. 390,1400> <shots, comma list>
//        [only: check the pages of the shots list alone]
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [reportDir, shotDir, chromium, widthList, shotList, only] = process.argv.slice(2);
const widths = widthList.split(",").map(Number);
const shots = new Set((shotList || "").split(",").filter(Boolean));
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

function measure() {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const charts = [...document.querySelectorAll("svg.chart")].filter(visible);
  const overlaps = [];
  let minText = Infinity;
  charts.forEach((svg, i) => {
    const boxes = [...svg.querySelectorAll("text")].filter(visible).map((t) => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([, r]) => { minText = Math.min(minText, r.height); });
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [ta, ra] = boxes[a], [tb, rb] = boxes[b];
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 0.5 && h > 0.5) overlaps.push(`chart ${i + 1} (${svg.getAttribute("aria-label")}): "${ta}" / "${tb}"`);
      }
    }
  });
  const figures = [...document.querySelectorAll("figure")].filter((f) => f.querySelector("svg.chart"));
  const withoutAlternative = figures.filter((f) => !f.querySelector("table th[scope]") ||
    !f.querySelector("a[href$='.csv']")).map((f) => f.id);
  return {
    text: document.body.innerText,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    overlaps,
    minChartText: charts.length ? minText : null,
    charts: charts.length,
    csvLinks: [...document.querySelectorAll("figure a[href$='.csv']")].map((a) => a.getAttribute("href")),
    withoutAlternative,
  };
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  const result = {};
  const pages = fs.readdirSync(reportDir).filter((f) => f.endsWith(".html") && (!only || shots.has(f))).sort();
  const tab = await browser.newPage();
  const events = [];
  tab.on("console", (m) => { if (m.type() === "error") events.push(`console: ${m.text()}`); });
  tab.on("pageerror", (e) => events.push(`page error: ${e.message}`));
  tab.on("requestfailed", (r) => events.push(`failed: ${r.url()}`));
  tab.on("request", (r) => { if (!r.url().startsWith("file://")) events.push(`external: ${r.url()}`); });
  for (const width of widths) {
    await tab.setViewport({ width, height: 900 });
    for (const name of pages) {
      events.length = 0;
      await tab.goto("file://" + path.resolve(reportDir, name), { waitUntil: "load" });
      const measured = await tab.evaluate(measure);
      // axe on every page at the widest width, on the screenshot pages at the others (it takes most of the time)
      const runAxe = width === Math.max(...widths) || shots.has(name);
      if (runAxe) await tab.evaluate(axeSource);
      const axe = !runAxe ? null : await tab.evaluate(async () => {
        const r = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      });
      if (shots.has(name)) {
        await tab.screenshot({ path: path.join(shotDir, `${name.replace(/\.html$/, "")}-${width}.png`), fullPage: true });
      }
      (result[name] = result[name] || {})[width] = { ...measured, axe, events: [...events] };
    }
  }
  await browser.close();
  process.stdout.write(JSON.stringify(result));
})().catch((e) => { console.error(e); process.exit(2); });
