//! The Tours menu and the panel of a running tour: a region labelled
//! "Tour" with the title, "Step k of n", the narration, the step's
//! question (choices as buttons, then the explanation), and Back, Next,
//! Take over and Close.

use sim::tour::{IndexEntry, Question};
use std::rc::Rc;
use yew::prelude::*;

/// What the Tours menu shows.
pub struct ToursMenuProps {
    /// Open or not.
    pub open: bool,
    /// The tours, once fetched.
    pub tours: Option<Rc<Vec<IndexEntry>>>,
    /// Open or close the menu.
    pub on_toggle: Callback<()>,
    /// Open a tour at its first step.
    pub on_open: Callback<String>,
}

/// The "Tours" button and, while open, its list of tours.
pub fn tours_menu(p: &ToursMenuProps) -> Html {
    let toggle = p.on_toggle.reform(|_: MouseEvent| ());
    html! {
        <div class="tours-menu">
            <button type="button" aria-haspopup="true" aria-expanded={p.open.to_string()}
                    onclick={toggle}>{ "Tours" }</button>
            if p.open {
                <ul class="tours-list" aria-label="Tours">
                    { match &p.tours {
                        None => html! { <li>{ "Loading…" }</li> },
                        Some(list) => list.iter().map(|t| {
                            let id = t.id.clone();
                            let open = p.on_open.reform(move |_: MouseEvent| id.clone());
                            html! {
                                <li><button type="button" onclick={open}>
                                    <strong>{ &t.title }</strong>
                                    <span>{ &t.summary }</span>
                                </button></li>
                            }
                        }).collect::<Html>(),
                    } }
                </ul>
            }
        </div>
    }
}

/// What the tour panel shows.
pub struct TourPanelProps<'a> {
    /// The tour's title.
    pub title: &'a str,
    /// The step shown, from 1.
    pub step: usize,
    /// How many steps.
    pub steps: usize,
    /// The step's narration.
    pub narration: &'a str,
    /// The step's question.
    pub question: Option<&'a Question>,
    /// The choice made, if any.
    pub answered: Option<usize>,
    /// Pick a choice.
    pub on_answer: Callback<usize>,
    /// Next (true) or Back (false).
    pub on_move: Callback<bool>,
    /// Take over: free play from here.
    pub on_take_over: Callback<()>,
    /// Close the tour.
    pub on_close: Callback<()>,
}

/// The running tour's region.
pub fn tour_panel(p: &TourPanelProps) -> Html {
    let next = p.on_move.reform(|_: MouseEvent| true);
    let back = p.on_move.reform(|_: MouseEvent| false);
    let take_over = p.on_take_over.reform(|_: MouseEvent| ());
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="tour-panel" role="region" aria-label="Tour">
            <header>
                <h2>{ p.title }</h2>
                <span class="tour-progress" data-tour-step={p.step.to_string()}>
                    { format!("Step {} of {}", p.step, p.steps) }
                </span>
                <button type="button" class="tour-close" aria-label="Close the tour" onclick={close}>{ "×" }</button>
            </header>
            <p class="tour-narration">{ p.narration }</p>
            if let Some(q) = p.question {
                { question(q, p.answered, &p.on_answer) }
            }
            <nav class="tour-buttons">
                <button type="button" onclick={back} disabled={p.step <= 1}>{ "Back" }</button>
                <button type="button" onclick={next} disabled={p.step >= p.steps}>{ "Next" }</button>
                <button type="button" onclick={take_over}>{ "Take over" }</button>
            </nav>
        </section>
    }
}

/// A step's question: its choices, then (once one is picked) whether it was
/// right and why.
fn question(q: &Question, answered: Option<usize>, on_answer: &Callback<usize>) -> Html {
    html! {
        <div class="tour-question">
            <p><strong>{ "Predict: " }</strong>{ &q.prompt }</p>
            <div class="tour-choices">
                { for q.choices.iter().enumerate().map(|(i, c)| {
                    let pick = on_answer.reform(move |_: MouseEvent| i);
                    let state = answered.map(|a| if i == q.answer { "right" } else if i == a { "wrong" } else { "" });
                    html! {
                        <button type="button" class={classes!(state)} onclick={pick}
                                aria-pressed={(answered == Some(i)).to_string()}>{ c }</button>
                    }
                }) }
            </div>
            if let Some(a) = answered {
                <p class="tour-explanation" role="status">
                    <strong>{ if a == q.answer { "Right. " } else { "Not quite. " } }</strong>
                    { &q.explanation }
                </p>
            }
        </div>
    }
}
