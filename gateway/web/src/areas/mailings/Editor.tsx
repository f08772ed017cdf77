/**
 * A small, solid HTML editor for mailings: a contentEditable area with a toolbar (bold, italic, headings, lists,
 * links, clear formatting), pasted content cleaned to the few tags a press release needs, and the HTML source for
 * those who want it. `insert(text)` puts a placeholder at the caret (or the end). Keyboard: Tab reaches the toolbar
 * and the text; Ctrl+B / Ctrl+I work inside; every button has a name.
 */
import { forwardRef, useEffect, useId, useImperativeHandle, useLayoutEffect, useRef, useState } from "react";
import { useT } from "../../i18n";

export interface EditorHandle {
  insert: (text: string) => void;
}

interface Props {
  label: string;
  value: string;
  onChange: (html: string) => void;
  onFocus?: () => void;
  error?: string;
  hint?: string;
  readOnly?: boolean;
}

const ALLOWED = new Set(["p", "br", "b", "strong", "i", "em", "u", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "blockquote", "hr"]);
const DROP = new Set(["script", "style", "head", "meta", "link", "title", "iframe", "object", "embed", "form", "input", "button", "select", "textarea", "svg"]);
const SAFE_HREF = /^(https?:|mailto:|tel:|\{\{)/i;

/** Keep only the tags and links a mailing needs; everything else becomes its text (Word and web pages paste a lot). */
export function cleanHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const clean = (node: Node, into: Node) => {
    node.childNodes.forEach((child) => {
      if (child.nodeType === Node.TEXT_NODE) {
        into.appendChild(document.createTextNode(child.textContent ?? ""));
        return;
      }
      if (!(child instanceof Element)) return;
      const tag = child.tagName.toLowerCase();
      if (DROP.has(tag)) return;
      if (!ALLOWED.has(tag)) {
        // block-level wrappers (div, section, td ...) keep their line breaks as paragraphs
        if (["div", "section", "article", "tr", "table", "header", "footer"].includes(tag)) {
          const p = document.createElement("p");
          clean(child, p);
          if (p.textContent?.trim()) into.appendChild(p);
        } else clean(child, into);
        return;
      }
      const el = document.createElement(tag);
      if (tag === "a") {
        const href = child.getAttribute("href") ?? "";
        if (SAFE_HREF.test(href.trim())) el.setAttribute("href", href.trim());
      }
      clean(child, el);
      into.appendChild(el);
    });
  };
  const out = document.createElement("div");
  clean(doc.body, out);
  return out.innerHTML;
}

/** An editor that shows nothing holds "" (not "<br>"), so "no HTML body" is what the server sees. */
export function normaliseHtml(html: string): string {
  const probe = document.createElement("div");
  probe.innerHTML = html;
  return probe.textContent?.trim() || probe.querySelector("img,hr") ? html : "";
}

type Command = { id: string; label: string; run: () => void; active?: () => boolean; text: string };

export const HtmlEditor = forwardRef<EditorHandle, Props>(function HtmlEditor(
  { label, value, onChange, onFocus, error, hint, readOnly = false }, ref,
) {
  const t = useT();
  const id = useId();
  const area = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [source, setSource] = useState(false);
  const [linkOpen, setLinkOpen] = useState(false);
  const [href, setHref] = useState("https://");
  const [, force] = useState(0);

  // the HTML comes in from outside (load, source view): write it into the area only when it differs, so the caret
  // stays where it is while typing
  useLayoutEffect(() => {
    const el = area.current;
    if (el && el.innerHTML !== value) el.innerHTML = value;
  }, [value, source]);

  useEffect(() => {
    const remember = () => {
      const sel = window.getSelection();
      if (sel && sel.rangeCount && area.current?.contains(sel.anchorNode)) {
        saved.current = sel.getRangeAt(0).cloneRange();
        force((n) => n + 1); // toolbar state (bold, italic ...) follows the caret
      }
    };
    document.addEventListener("selectionchange", remember);
    return () => document.removeEventListener("selectionchange", remember);
  }, []);

  const emit = () => {
    if (area.current) onChange(area.current.innerHTML);
  };

  const restore = () => {
    const el = area.current;
    if (!el) return;
    el.focus();
    const sel = window.getSelection();
    if (!sel) return;
    sel.removeAllRanges();
    if (saved.current && el.contains(saved.current.startContainer)) {
      sel.addRange(saved.current);
    } else {
      const range = document.createRange();
      range.selectNodeContents(el);
      range.collapse(false);
      sel.addRange(range);
    }
  };

  const exec = (command: string, arg?: string) => {
    restore();
    document.execCommand("styleWithCSS", false, "false");
    document.execCommand(command, false, arg);
    emit();
  };

  useImperativeHandle(ref, () => ({
    insert: (text: string) => {
      if (source) {
        onChange(value + text);
        return;
      }
      restore();
      document.execCommand("insertText", false, text);
      emit();
    },
  }));

  const state = (command: string) => {
    try {
      return !source && !!saved.current && document.queryCommandState(command);
    } catch {
      return false;
    }
  };
  const block = () => {
    try {
      return String(document.queryCommandValue("formatBlock") || "").toLowerCase();
    } catch {
      return "";
    }
  };

  const commands: Command[] = [
    { id: "bold", label: t("mailings.editor.bold"), text: "B", run: () => exec("bold"), active: () => state("bold") },
    { id: "italic", label: t("mailings.editor.italic"), text: "I", run: () => exec("italic"), active: () => state("italic") },
    { id: "h2", label: t("mailings.editor.h2"), text: "H2", run: () => exec("formatBlock", "h2"), active: () => block() === "h2" },
    { id: "h3", label: t("mailings.editor.h3"), text: "H3", run: () => exec("formatBlock", "h3"), active: () => block() === "h3" },
    { id: "p", label: t("mailings.editor.paragraph"), text: "¶", run: () => exec("formatBlock", "p"), active: () => block() === "p" },
    { id: "ul", label: t("mailings.editor.bullets"), text: "• –", run: () => exec("insertUnorderedList"), active: () => state("insertUnorderedList") },
    { id: "ol", label: t("mailings.editor.numbers"), text: "1.", run: () => exec("insertOrderedList"), active: () => state("insertOrderedList") },
    { id: "link", label: t("mailings.editor.link"), text: "Link", run: () => setLinkOpen((o) => !o) },
    { id: "unlink", label: t("mailings.editor.unlink"), text: "Link ✕", run: () => exec("unlink") },
    { id: "clear", label: t("mailings.editor.clear"), text: "T̸", run: () => exec("removeFormat") },
  ];

  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field editor${error ? " has-error" : ""}`}>
      <span className="label" id={`${id}-label`}>{label}</span>
      {!readOnly && (
        <div className="editor-toolbar" role="toolbar" aria-label={t("mailings.editor.toolbar")} aria-controls={`${id}-area`}>
          {commands.map((c) => (
            <button key={c.id} type="button" className="small" title={c.label} aria-label={c.label} disabled={source && c.id !== "source"}
              aria-pressed={c.active ? c.active() : undefined} onMouseDown={(e) => e.preventDefault()} onClick={c.run}>
              <span aria-hidden="true" className={`tool-${c.id}`}>{c.text}</span>
            </button>
          ))}
          <button type="button" className="small" aria-pressed={source} onClick={() => setSource((s) => !s)}>
            {t("mailings.editor.source")}
          </button>
        </div>
      )}
      {linkOpen && !source && (
        <div className="editor-link" role="group" aria-label={t("mailings.editor.link")}>
          <label htmlFor={`${id}-href`}>{t("mailings.editor.href")}</label>
          <input id={`${id}-href`} type="url" value={href} onChange={(e) => setHref(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                exec("createLink", href.trim());
                setLinkOpen(false);
              }
            }} />
          <button type="button" className="small" onClick={() => { exec("createLink", href.trim()); setLinkOpen(false); }}>
            {t("mailings.editor.linkApply")}
          </button>
          <button type="button" className="small" onClick={() => setLinkOpen(false)}>{t("common.cancel")}</button>
        </div>
      )}
      {source ? (
        <textarea id={`${id}-area`} className="editor-source" aria-labelledby={`${id}-label`} aria-describedby={describedBy}
          aria-invalid={error ? true : undefined} value={value} readOnly={readOnly} spellCheck={false}
          onChange={(e) => onChange(e.target.value)} onFocus={onFocus} />
      ) : (
        <div id={`${id}-area`} ref={area} className="editor-area" role="textbox" aria-multiline="true"
          aria-labelledby={`${id}-label`} aria-describedby={describedBy} aria-invalid={error ? true : undefined}
          aria-readonly={readOnly || undefined} contentEditable={!readOnly} suppressContentEditableWarning
          tabIndex={0} onInput={emit} onBlur={emit} onFocus={onFocus}
          onPaste={(e) => {
            e.preventDefault();
            const html = e.clipboardData.getData("text/html");
            if (html) document.execCommand("insertHTML", false, cleanHtml(html));
            else document.execCommand("insertText", false, e.clipboardData.getData("text/plain"));
            emit();
          }} />
      )}
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
});
