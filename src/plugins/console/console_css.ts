/**
 * The console's stylesheet, served as /ui/assets/console.css (the CSP allows no inline
 * style). Colours meet WCAG AA (4.5:1 for text) on their backgrounds; every badge also
 * says its value in words, so nothing is told by colour alone. The layout is one
 * column below 760 px wide (a tablet held upright), tables scroll sideways, and long
 * values (hashes, ids, JSON) wrap instead of widening the page.
 */
export const CONSOLE_CSS = `
:root { --fg: #1a1a1a; --muted: #4a4a4a; --bg: #ffffff; --panel: #f4f5f7; --line: #c8ccd2; --link: #0b57d0; --focus: #0b57d0; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); line-height: 1.5; }
a { color: var(--link); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1.25rem; background: #14213d; color: #fff; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a { text-decoration: none; padding: .35rem .25rem; display: inline-block; }
header.top nav a[aria-current="page"] { border-bottom: 3px solid #ffd54f; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; }
header.top .who form { margin: 0; }
header.top :focus-visible { outline-color: #ffd54f; }
main { max-width: 80rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
footer { max-width: 80rem; margin: 0 auto; padding: 1rem 1.25rem; color: var(--muted); font-size: .875rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
.lead { color: var(--muted); margin-top: -.5rem; }
.empty { background: var(--panel); border: 1px dashed var(--line); padding: 1rem; border-radius: 6px; }
.notice { border-left: 5px solid #0b57d0; background: #e8f0fe; padding: .6rem 1rem; margin: .75rem 0; }
.notice.ok { border-color: #1b5e20; background: #e6f4ea; }
.notice.bad { border-color: #b71c1c; background: #fdecea; }
.notice.warn { border-color: #8a5a00; background: #fff4d6; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
tbody tr:hover { background: #f9fafb; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
.hash { overflow-wrap: anywhere; word-break: break-all; }
.trunc { display: inline-block; max-width: 16ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
.cell-text { display: inline-block; max-width: 28ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; }
ol.gcode { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; padding: .5rem .5rem .5rem 4.5rem; max-height: 40rem; overflow: auto; }
ol.gcode li { white-space: pre-wrap; overflow-wrap: anywhere; }
ol.gcode li::marker { color: var(--muted); }
details > summary { cursor: pointer; padding: .25rem 0; font-weight: 600; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-weight: 700; font-size: .85rem; letter-spacing: .02em; border: 1px solid transparent; white-space: nowrap; }
.badge::before { margin-right: .3rem; }
.risk-GREEN, .ok-true, .state-APPROVED, .status-OK { background: #1b5e20; color: #fff; }
.risk-YELLOW, .sev-WARNING, .state-PENDING { background: #ffd54f; color: #1a1a1a; border-color: #8a6d00; }
.risk-RED, .ok-false, .state-REJECTED, .status-BLOCKED, .sev-CRITICAL { background: #b71c1c; color: #fff; }
.risk-UNKNOWN, .sev-NONE { background: #455a64; color: #fff; }
.risk-ERROR, .status-ERROR { background: #4a148c; color: #fff; }
.sev-INFO, .wfs-DRAFT, .wfs-FEASIBILITY_CHECKED, .wfs-TOOLPATHS_READY { background: #0d47a1; color: #fff; }
.wfs-APPROVED, .wfs-COMPLETED { background: #1b5e20; color: #fff; }
.wfs-REJECTED { background: #b71c1c; color: #fff; }
.wfs-CANCELLED { background: #455a64; color: #fff; }
.risk-GREEN::before, .ok-true::before, .state-APPROVED::before, .status-OK::before { content: "✓"; }
.risk-RED::before, .ok-false::before, .state-REJECTED::before, .status-BLOCKED::before, .sev-CRITICAL::before { content: "✕"; }
.risk-YELLOW::before, .sev-WARNING::before, .state-PENDING::before { content: "!"; }
tr.sev-row-CRITICAL td:first-child { border-left: 6px solid #b71c1c; }
tr.sev-row-WARNING td:first-child { border-left: 6px solid #8a6d00; }
tr.sev-row-INFO td:first-child { border-left: 6px solid #0d47a1; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .75rem 1rem; align-items: end; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
label { display: block; font-weight: 600; font-size: .9rem; margin-bottom: .2rem; }
.hint { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
input, select, textarea { font: inherit; color: var(--fg); background: #fff; border: 1px solid #6b7280; border-radius: 4px; padding: .45rem .5rem; width: 100%; min-height: 2.5rem; }
textarea { min-height: 4.5rem; }
button, .button { font: inherit; font-weight: 600; border-radius: 4px; padding: .45rem 1rem; min-height: 2.5rem; border: 1px solid #14213d; background: #14213d; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: #14213d; }
button.approve { background: #1b5e20; border-color: #1b5e20; }
button.reject { background: #b71c1c; border-color: #b71c1c; }
button.copy { padding: .1rem .5rem; min-height: auto; font-size: .8rem; margin-left: .5rem; background: #fff; color: #14213d; }
header.top button.secondary { background: transparent; color: #fff; border-color: #fff; }
.review { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
.review-actions { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.review-actions .wide { grid-column: 1 / -1; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; align-items: center; }
caption.hint { display: table-caption; caption-side: bottom; text-align: left; padding: .4rem .6rem; }
table.diff { table-layout: fixed; }
table.diff th:nth-child(1) { width: 24%; }
table.diff th:nth-child(2) { width: 9rem; }
table.diff code { overflow-wrap: anywhere; }
td time { white-space: nowrap; }
.sidebyside { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: .5rem; }
ol.timeline li { position: relative; padding: .25rem 0 1rem 1.25rem; }
ol.timeline li::before { content: ""; position: absolute; left: -.55rem; top: .6rem; width: .8rem; height: .8rem; border-radius: 50%; background: #14213d; }
kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 3px; padding: 0 .3rem; font-size: .85rem; }
@media (max-width: 760px) {
  .sidebyside, .review-actions { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
  header.top .who { margin-left: 0; }
  main { padding: .75rem; }
}
`;
