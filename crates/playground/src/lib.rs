//! The Raft Playground page: a Yew app that draws the simulator as SVG.
//!
//! Placeholder while the real UI is written: it renders one follower, S1, so
//! the build, serve and browser-test plumbing has something to check. The DOM
//! hooks it uses (`data-node`, `data-role`) are the page's stable contract
//! (DESIGN.md, "The page's DOM contract").

use yew::prelude::*;

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main class="playground">
            <h1>{ "Raft Playground" }</h1>
            <svg class="cluster" viewBox="0 0 200 120" role="img" aria-label="Raft cluster">
                <g data-node="S1" data-role="follower" data-term="0" data-commit="0"
                   data-log-len="0" tabindex="0"
                   aria-label="S1: follower, term 0, commit index 0, log length 0">
                    <circle cx="100" cy="60" r="30" />
                    <text x="100" y="65" text-anchor="middle">{ "S1" }</text>
                </g>
            </svg>
        </main>
    }
}

/// Mounts the playground inside `root` (tests mount it into a fresh element).
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Mounts the playground into the page's `<body>` (what the binary does).
pub fn start() -> AppHandle<App> {
    yew::Renderer::<App>::new().render()
}
