//! A panic must never leave a silently frozen page: the hook logs it to the
//! console and shows it in the page's `#fatal-error` box (index.html).

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Install the hook (once; later calls do nothing).
pub fn install() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = info.to_string();
            web_sys::console::error_1(&format!("Raft Playground panicked: {text}").into());
            show(&text);
        }));
    });
}

/// Show `text` in the page's `#fatal-error` box, un-hiding it.
pub fn show(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(el) = document.get_element_by_id("fatal-error") else { return };
    el.set_text_content(Some(&format!(
        "Something went wrong inside the playground and it stopped: {text}. \
         Reload the page to start a new cluster."
    )));
    let _ = el.remove_attribute("hidden");
}
