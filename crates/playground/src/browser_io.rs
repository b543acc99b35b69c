//! The browser's clipboard and files, for sharing a run: copy a text,
//! download a text as a file, read a chosen file; and fetching a tour's
//! data file from the page's own folder. Each reports a failure
//! in words instead of throwing.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Put `text` on the clipboard. `Err` when the browser refuses (no
/// permission, not a secure page): the text is then to be copied by hand.
pub async fn copy_text(text: String) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(&text);
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| "the browser did not allow copying: select the text and copy it".to_string())
}

/// Offer `text` as a file called `name` to download (a JSON run file).
pub fn download_text(name: &str, text: &str) -> Result<(), String> {
    let problem = |_: JsValue| "the browser could not make the file".to_string();
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(problem)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(problem)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(problem)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(problem)
}

/// The text of a file the person chose.
pub async fn read_file(file: web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| format!("the file {} could not be read", file.name()))?;
    text.as_string().ok_or_else(|| format!("the file {} is not text", file.name()))
}

/// The text at `path`, relative to the page (a tour's JSON file). `Err`
/// names the file and what went wrong (missing, offline).
pub async fn fetch_text(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("{path} could not be fetched");
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(path)).await.map_err(failed)?.unchecked_into();
    if !response.ok() {
        return Err(format!("{path} is not there (HTTP {})", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{path} is not text"))
}
