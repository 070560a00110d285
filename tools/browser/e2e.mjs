// e2e.mjs — the web pages in a real browser: Debian's chromium, headless, driven by
// playwright-core. Run by tools/browser-test, which starts the server; usage:
//   node e2e.mjs URL SCREENSHOT_DIR
// A person's path through the product: type a query, apply a year filter, open a result (its
// citation line), open the compare view, look at the trend and related plans; then the same on
// a phone-sized screen (375 px, no sideways scrolling) and once with JavaScript turned off. Any
// console error (a blocked script or style under the Content-Security-Policy included) fails.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pw from "playwright-core";

const { chromium } = pw;
const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node e2e.mjs URL SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic"];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// A browser with a fresh profile folder; removed by close().
async function openBrowser(options) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS, headless: true, viewport: DESKTOP, locale: "ja-JP", ...options,
  });
  const errors = [];
  context.on("page", (page) => watch(page, errors));
  return {
    context, errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, errors) {
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
}

async function newPage(b, viewport) {
  const page = await b.context.newPage();
  await page.setViewportSize(viewport);
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name), fullPage: false });
  console.log(`     screenshot ${name}`);
}

async function noSidewaysScroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= PHONE.width + 1, `${what}: fits ${PHONE.width} px (scroll width ${width})`);
}

async function searchFlow(page) {
  await page.goto(base);
  await page.fill("input[name=q]", "地域情報化");
  await Promise.all([page.waitForNavigation(), page.press("input[name=q]", "Enter")]);
  const hits = await page.locator("li.hit").count();
  check(hits > 0, `search 地域情報化: ${hits} results on the page`);
  check(await page.locator("li.hit mark").count() > 0, "matches are marked");
  await shot(page, "01-search.png");

  // The year filter: the first year in the facet list, typed into the form.
  const yearText = await page.locator("aside.facets li a").first().textContent();
  const year = yearText.replace(/[^0-9]/g, "");
  await page.fill("input[name=from]", year);
  await page.fill("input[name=to]", year);
  await Promise.all([page.waitForNavigation(), page.click("button.secondary")]);
  const years = await page.locator("li.hit .tag.year").allTextContents();
  check(years.length > 0 && years.every((y) => y === `${year}年度`),
    `year filter ${year}: ${years.length} results, all ${year}年度`);
  check(new URL(page.url()).searchParams.get("from") === year, "the filter is in the URL");
  await shot(page, "02-year-filter.png");

  // Open the first result: the passage with its neighbours and a citation line.
  await Promise.all([page.waitForNavigation(), page.locator("li.hit h2 a").first().click()]);
  const citation = await page.inputValue("#cite");
  check(citation.startsWith("出典"), `citation line: ${citation}`);
  check(await page.locator("article.current").count() === 1, "the passage is shown in context");
  check(await page.locator("button.copy").isVisible(), "the copy button is shown (app.js ran)");
  await shot(page, "03-passage.png");
}

async function compareFlow(page) {
  await page.goto(new URL("/compare", base).href);
  await page.fill("input[name=target]", "地域情報化プラン2022");
  await Promise.all([page.waitForNavigation(), page.click("form.search button[type=submit]")]);
  const changed = await page.locator(".row.changed").count();
  check(changed > 0, `compare 地域情報化プラン2022: ${changed} changed rows`);
  check(await page.locator(".row ins").count() > 0 && await page.locator(".row del").count() > 0,
    "insertions and deletions are marked");
  await page.locator(".row.changed").first().scrollIntoViewIfNeeded();
  await shot(page, "04-compare.png");
}

async function otherViews(page) {
  await page.goto(new URL("/trend?q=" + encodeURIComponent("地域情報化"), base).href);
  check(await page.locator("figure.chart svg rect.bar").count() > 0, "trend chart has bars");
  await shot(page, "05-trend.png");
  await page.goto(new URL("/related?plan=" + encodeURIComponent("地域情報化プラン2022"), base).href);
  check(await page.locator("ol.related > li").count() > 0, "related policies are listed");
  await shot(page, "06-related.png");
}

async function phone(b) {
  const page = await newPage(b, PHONE);
  await page.goto(new URL("/?q=" + encodeURIComponent("地域情報化"), base).href);
  await noSidewaysScroll(page, "search page");
  await shot(page, "07-search-phone.png");
  await page.goto(new URL("/compare?target=" + encodeURIComponent("地域情報化プラン2022"), base).href);
  await noSidewaysScroll(page, "compare view");
  await page.locator(".row.changed").first().scrollIntoViewIfNeeded();
  await shot(page, "08-compare-phone.png");
  await page.goto(new URL("/?q=" + encodeURIComponent("地域情報化"), base).href);
  await Promise.all([page.waitForNavigation(), page.locator("li.hit h2 a").first().click()]);
  await noSidewaysScroll(page, "passage page");
  await shot(page, "09-passage-phone.png");
  for (const [where, name] of [["/trend?q=" + encodeURIComponent("地域情報化"), "trend page"],
    ["/related?plan=" + encodeURIComponent("地域情報化プラン2022"), "related page"]]) {
    await page.goto(new URL(where, base).href);
    await noSidewaysScroll(page, name);
  }
  await page.close();
}

async function withoutScript() {
  const b = await openBrowser({ javaScriptEnabled: false });
  try {
    const page = await newPage(b, DESKTOP);
    await page.goto(base);
    await page.fill("input[name=q]", "地域情報化");
    await Promise.all([page.waitForNavigation(), page.press("input[name=q]", "Enter")]);
    check(await page.locator("li.hit").count() > 0, "without JavaScript: search works");
    check(!(await page.locator("button.copy").isVisible()),
      "without JavaScript: no dead copy button");
  } finally {
    await b.close();
  }
}

const b = await openBrowser({});
try {
  const page = await newPage(b, DESKTOP);
  await searchFlow(page);
  await compareFlow(page);
  await otherViews(page);
  await page.close();
  await phone(b);
  const errors = b.errors.length ? ": " + b.errors.join(" | ") : "";
  check(b.errors.length === 0, `no console errors${errors}`);
} finally {
  await b.close();
}
await withoutScript();
console.log(failures ? `${failures} check(s) failed` : "all browser checks passed");
process.exit(failures ? 1 : 0);
