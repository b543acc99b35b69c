//! The Share dialog: the link to this exact run at the moment shown, in a
//! text field to select by hand and with "Copy link"; "Copy embed code"
//! for an `<iframe>`; "Export" to download the run file; and an "Import"
//! file input that opens one. A problem (a refused copy, a bad file) is a
//! `role="alert"` in the dialog; nothing else changes.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What a copy button copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copied {
    /// The link to the run.
    Link,
    /// The `<iframe>` snippet.
    Embed,
}

/// What the Share dialog shows and does.
#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The link to this run at this moment.
    pub link: AttrValue,
    /// The `<iframe>` snippet embedding it.
    pub embed: AttrValue,
    /// What was last copied, to say so.
    pub copied: Option<Copied>,
    /// What went wrong, if something did.
    pub problem: Option<AttrValue>,
    /// A copy button pressed.
    pub on_copy: Callback<Copied>,
    /// "Export" pressed.
    pub on_export: Callback<()>,
    /// A file chosen to import.
    pub on_import: Callback<web_sys::File>,
    /// The dialog closed.
    pub on_close: Callback<()>,
}

/// The Share dialog.
#[function_component(ShareDialog)]
pub fn share_dialog(p: &ShareDialogProps) -> Html {
    let copy = |what: Copied| p.on_copy.reform(move |_: MouseEvent| what);
    let export = p.on_export.reform(|_: MouseEvent| ());
    let close = p.on_close.reform(|_: MouseEvent| ());
    let on_import = {
        let cb = p.on_import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                cb.emit(file);
            }
            input.set_value("");
        })
    };
    let on_key = {
        let cb = p.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                cb.emit(());
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });
    let said = |what: Copied| {
        let text = if p.copied == Some(what) { "Copied" } else { "" };
        html! { <span class="copied" role="status">{ text }</span> }
    };
    html! {
        <div class="share-dialog" role="dialog" aria-modal="false" aria-labelledby="share-title"
             onkeydown={on_key}>
            <h2 id="share-title">{ "Share this run" }</h2>
            <p class="hint">{ "The link opens this run at this moment, paused, in any browser." }</p>
            <label class="share-field">
                <span>{ "Link" }</span>
                <input type="text" readonly=true class="share-link" value={p.link.clone()}
                       onfocus={select_all.clone()} />
            </label>
            <div class="share-actions">
                <button type="button" onclick={copy(Copied::Link)}>{ "Copy link" }</button>
                { said(Copied::Link) }
                <button type="button" onclick={copy(Copied::Embed)}>{ "Copy embed code" }</button>
                { said(Copied::Embed) }
            </div>
            <label class="share-field">
                <span>{ "Embed code" }</span>
                <input type="text" readonly=true class="share-embed" value={p.embed.clone()}
                       onfocus={select_all} />
            </label>
            <div class="share-actions">
                <button type="button" onclick={export}>{ "Export" }</button>
                <label class="import">
                    <span>{ "Import" }</span>
                    <input type="file" accept=".json,application/json" onchange={on_import} />
                </label>
            </div>
            if let Some(problem) = &p.problem {
                <p class="share-problem" role="alert">{ problem.clone() }</p>
            }
            <button type="button" class="dismiss" aria-label="Close" onclick={close}>{ "×" }</button>
        </div>
    }
}
