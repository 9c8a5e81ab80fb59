// --format html: one self-contained page (inline CSS, no scripts, no external resources).
import type { AuditReport } from "../index.js";
import { groups } from "./group.js";

function h(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4}.int{color:#b00020}.conf{color:#a65b00}.ok{color:#1b7f2a}code{font-size:.92em}
.ev{color:#555;font-size:.92em}.summary{font-size:1.1em;padding:.6em;border-radius:4px;background:#f7f7f7}`;

export function renderHtml(r: AuditReport): string {
  const rows: string[] = [];
  const s = r.current;
  const ready =
    (r.level === "integrity" ? r.forecast.integrity.breaks : r.forecast.confidentiality.breaks) === 0;
  rows.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lockdown readiness: ${h(r.root)}</title><style>${CSS}</style></head><body>`,
  );
  rows.push(
    `<h1>Lockdown readiness of <code>${h(r.root)}</code> (${r.live ? "live host" : "offline root"})</h1>`,
  );
  rows.push(
    `<p class="summary">${r.forecast.integrity.breaks} thing(s) break at <b>integrity</b>, ${r.forecast.confidentiality.breaks} at <b>confidentiality</b>. <span class="${ready ? "ok" : "int"}">${ready ? "Ready" : "Not ready"} for ${h(r.level)}.</span></p>`,
  );
  rows.push(
    `<h2>Current state</h2><table><tr><th>lockdown</th><td>${h(s.level)} <span class="ev">(${h(s.source)})</span></td></tr><tr><th>Secure Boot</th><td>${h(s.secureBoot)} <span class="ev">${h(s.mok)}</span></td></tr>${s.evidence.map((e) => `<tr><th></th><td class="ev">${h(e)}</td></tr>`).join("")}</table>`,
  );
  rows.push(
    `<h2>Installed kernels</h2><table><tr><th>release</th><th>next boot</th><th>image</th><th>builtin keys</th><th>modules</th></tr>`,
  );
  for (const k of r.kernels) {
    const m = k.modules;
    rows.push(
      `<tr><td>${h(k.release)}</td><td>${h(k.lockdown.nextBoot)} (Secure Boot: ${h(k.lockdown.withSecureBoot)})<div class="ev">${h(k.lockdown.because.join("; "))}</div></td><td>${h(k.image ?? "none")}<div class="ev">${h(k.signature ? `${k.signature.verdict} ${k.signature.signer ?? ""}` : "")}</div></td><td class="ev">${h(k.builtinCertificates.join("; ") || k.builtinKeysDetail)}</td><td>${m.total} total, ${m.signed} signed, ${m.unsigned} unsigned, ${m.untrusted} other key, ${m.invalid} invalid</td></tr>`,
    );
  }
  rows.push(`</table>`);
  for (const g of groups(r.findings)) {
    const cls = g.title.includes("integrity") ? "int" : "conf";
    rows.push(`<h2 class="${cls}">${h(g.title)}: ${g.findings.length}</h2>`);
    if (g.findings.length === 0) {
      rows.push("<p>Nothing.</p>");
      continue;
    }
    rows.push(`<table><tr><th>finding</th><th>subject</th><th>evidence</th><th>remedy</th></tr>`);
    for (const f of g.findings)
      rows.push(
        `<tr><td><code>${h(f.id)}</code><div class="ev">${h(f.reason)}</div></td><td><code>${h(f.subject)}</code></td><td class="ev">${h(f.evidence)}</td><td>${h(f.remedy)}</td></tr>`,
      );
    rows.push(`</table>`);
  }
  rows.push(
    `<h2 class="ok">Fine: ${r.fine.length}</h2><ul>${r.fine.map((f) => `<li><code>${h(f.subject)}</code>: ${h(f.detail)}</li>`).join("")}</ul>`,
  );
  if (r.notes.length || r.unreadable.length)
    rows.push(
      `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${h(n)}</li>`).join("")}${r.unreadable.map((u) => `<li>could not read <code>${h(u.path)}</code> (${h(u.error)})</li>`).join("")}</ul>`,
    );
  rows.push(
    `<p class="ev">kernel-lockdown audit, ${r.elapsedMs} ms, verifier: ${h(r.verifier)}</p></body></html>`,
  );
  return `${rows.join("\n")}\n`;
}
