//! The "Network" panel: put servers into partition groups (a group
//! selector per server, or a preset around the leader), cut a link one
//! way, heal everything, and set message loss, duplication and latency.
//! Every change is a simulator action; a value the simulator would refuse
//! is announced (`role="alert"`, `aria-invalid`) and changes nothing.

use crate::components::disclosure::use_opened;
use crate::components::info::{info_toggle, Info};
use crate::view_model::network::{partition, Preset, GROUPS};
use raft::NodeId;
use sim::config::{check_chance, check_latency};
use sim::{Action, SimConfig};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`NetworkEditor`].
#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    /// The cluster's settings now (loss, duplication, latency, long delays).
    pub config: Rc<SimConfig>,
    /// The group each server is in now, S1 first (see
    /// [`crate::view_model::network::current_groups`]).
    pub groups: Rc<Vec<usize>>,
    /// Some link is cut.
    pub links_cut: bool,
    /// There is a leader to partition around.
    pub has_leader: bool,
    /// A network action.
    pub on_act: Callback<Action>,
    /// A preset was chosen.
    pub on_preset: Callback<Preset>,
}

/// Which input a refused value was typed in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Loss,
    Duplication,
    Latency,
    LongDelays,
}

/// A whole number typed in `el`, or a message naming `what`.
fn whole(el: &NodeRef, what: &str, unit: &str) -> Result<u32, String> {
    let text = el.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
    text.trim().parse::<u32>().map_err(|_| {
        format!("{what} must be a whole number of {unit}, not \u{201c}{}\u{201d}", text.trim())
    })
}

/// The index chosen in a `<select>`.
fn chosen(e: &Event) -> Option<usize> {
    let select: HtmlSelectElement = e.target_dyn_into()?;
    usize::try_from(select.selected_index()).ok()
}

/// The panel.
/// What the partition buttons do, shown by the editor's "i" button (each
/// button names its line in `aria-describedby`).
const NOTES: &[(&str, &str, &str)] = &[
    ("note-apply", "Apply partition", "Cut every link between servers in different groups."),
    ("note-heal-all", "Heal all", "Reconnect every cut link."),
    (
        "note-isolate-leader",
        "Isolate the leader",
        "Cut the leader off from everyone: the others elect a new leader (§5.2).",
    ),
    (
        "note-leader-minority",
        "Leader with a minority",
        "The majority elects a new leader; the old one can no longer commit (§5.4).",
    ),
    (
        "note-majority-minority",
        "Majority / minority",
        "The leader keeps a majority and goes on committing; the minority cannot elect anyone.",
    ),
    (
        "note-one-way",
        "Cut one way",
        "The first server's messages to the second are lost; the other way still works.",
    ),
];

/// Shows the simulator's `value` in the number field `node` when it first
/// appears (the panel is `built`) and whenever that value changes, and only
/// then. (Yew's `value` attribute would put the simulator's value back on
/// every redraw of the editor, wiping what a reader is typing while the
/// cluster runs.)
#[hook]
fn use_shown_value(node: &NodeRef, value: String, built: bool) {
    let node = node.clone();
    use_effect_with((value, built), move |(value, _)| {
        if let Some(input) = node.cast::<HtmlInputElement>() {
            input.set_value(value);
        }
    });
}

/// The Network disclosure: partition groups, presets, a one-way cut, and
/// the fault settings, built the first time it opens (from then on they
/// stay, with whatever is typed in them).
#[function_component(NetworkEditor)]
pub fn network_editor(p: &NetworkProps) -> Html {
    let (opened, ontoggle) = use_opened();
    let open = use_state(bool::default);
    let draft = use_state(|| None::<Vec<usize>>);
    let error = use_state(|| None::<(Input, String)>);
    let refs = use_memo((), |_| [(); 6].map(|_| NodeRef::default()));
    let [loss, dup, lat_min, lat_max, delay_pct, delay_ms] = (*refs).clone();
    {
        // The groups shown follow the network once it changes.
        let draft = draft.clone();
        use_effect_with(Rc::clone(&p.groups), move |_| draft.set(None));
    }
    let groups: Vec<usize> = (*draft).clone().unwrap_or_else(|| (*p.groups).clone());
    let n = groups.len();

    // Check a typed value with the simulator's own rules, then act.
    let submit = {
        let (error, cb) = (error.clone(), p.on_act.clone());
        move |input: Input, make: Rc<dyn Fn() -> Result<Action, String>>| {
            let (error, cb) = (error.clone(), cb.clone());
            Callback::from(move |_: Event| match make() {
                Ok(action) => {
                    error.set(None);
                    cb.emit(action);
                }
                Err(message) => error.set(Some((input, message))),
            })
        }
    };
    let on_loss = submit(Input::Loss, {
        let loss = loss.clone();
        Rc::new(move || {
            let v = f64::from(whole(&loss, "Message loss", "percent")?);
            check_chance("message loss", v).map(|_| Action::SetLoss(v))
        })
    });
    let on_dup = submit(Input::Duplication, {
        let dup = dup.clone();
        Rc::new(move || {
            let v = f64::from(whole(&dup, "Duplication", "percent")?);
            check_chance("message duplication", v).map(|_| Action::SetDuplication(v))
        })
    });
    let on_latency = submit(Input::Latency, {
        let (lo, hi) = (lat_min.clone(), lat_max.clone());
        Rc::new(move || {
            let min = u64::from(whole(&lo, "The shortest latency", "ms")?);
            let max = u64::from(whole(&hi, "The longest latency", "ms")?);
            check_latency(min, max).map(|_| Action::SetLatency { min, max })
        })
    });
    let on_delays = submit(Input::LongDelays, {
        let (pct, ms) = (delay_pct.clone(), delay_ms.clone());
        Rc::new(move || {
            let percent = f64::from(whole(&pct, "The share of long delays", "percent")?);
            let ms = u64::from(whole(&ms, "A long delay", "ms")?);
            check_chance("long delays", percent).map(|_| Action::SetLongDelays { percent, ms })
        })
    });
    let invalid = |input: Input| {
        if error.as_ref().is_some_and(|(i, _)| *i == input) {
            "true"
        } else {
            "false"
        }
    };
    let c = &p.config;
    let pct = |v: f64| (v.round() as u32).to_string();
    use_shown_value(&loss, pct(c.loss_percent), opened);
    use_shown_value(&dup, pct(c.duplicate_percent), opened);
    use_shown_value(&lat_min, c.latency_min.to_string(), opened);
    use_shown_value(&lat_max, c.latency_max.to_string(), opened);
    use_shown_value(&delay_pct, pct(c.long_delay_percent), opened);
    use_shown_value(&delay_ms, c.long_delay_ms.to_string(), opened);
    let number = |label: &'static str,
                  max: Option<&'static str>,
                  node: &NodeRef,
                  input: Input,
                  onchange: &Callback<Event>| {
        html! {
            <label class="net-number">
                <span class="caption">{ label }</span>
                <input type="number" inputmode="numeric" min="0" {max} step="1" aria-label={label}
                       ref={node.clone()} aria-invalid={invalid(input)}
                       onchange={onchange.clone()} />
            </label>
        }
    };

    let pick_group = |i: usize| {
        let (draft, groups) = (draft.clone(), groups.clone());
        Callback::from(move |e: Event| {
            if let Some(g) = chosen(&e) {
                let mut next = groups.clone();
                next[i] = g;
                draft.set(Some(next));
            }
        })
    };
    let apply = {
        let (cb, groups) = (p.on_act.clone(), groups.clone());
        Callback::from(move |_: MouseEvent| cb.emit(partition(&groups)))
    };
    let heal = p.on_act.reform(|_: MouseEvent| Action::HealAll);
    let one_way = use_state(|| (0usize, 1usize));
    let pick_end = |to_side: bool| {
        let one_way = one_way.clone();
        Callback::from(move |e: Event| {
            if let Some(k) = chosen(&e) {
                let (from, to) = *one_way;
                one_way.set(if to_side { (from, k) } else { (k, to) });
            }
        })
    };
    let cut_one_way = {
        let (cb, (from, to)) = (p.on_act.clone(), *one_way);
        let node = |k: usize| NodeId(k as u8 + 1);
        Callback::from(move |_: MouseEvent| {
            cb.emit(Action::SetOneWay { from: node(from), to: node(to), cut: true })
        })
    };
    let server_select = |label: String, selected: usize, onchange: Callback<Event>| {
        html! {
            <select aria-label={label} {onchange}>
                { for (0..n).map(|k| html! {
                    <option value={k.to_string()} selected={k == selected}>{ format!("S{}", k + 1) }</option>
                }) }
            </select>
        }
    };
    html! {
        <details class="settings-panel network-editor" {ontoggle}>
            <summary>{ "Network" }</summary>
            if opened {
                <div class="settings-list network-list">
                    <fieldset class="partition" aria-label="Partition">
                        <legend>{ "Partition" }</legend>
                        <p class="hint">
                            { "Servers in different groups cannot reach each other." }
                            { info_toggle(Info { label: "About the partition buttons", id: "network-notes", notes: NOTES, open }) }
                        </p>
                        <div class="groups">
                            { for groups.iter().enumerate().map(|(i, &g)| html! {
                                <label class="group-pick">
                                    <span class="caption">{ format!("S{}", i + 1) }</span>
                                    <select aria-label={format!("S{} group", i + 1)} onchange={pick_group(i)}>
                                        { for GROUPS.iter().enumerate().map(|(k, name)| html! {
                                            <option value={k.to_string()} selected={k == g}>{ *name }</option>
                                        }) }
                                    </select>
                                </label>
                            }) }
                        </div>
                        <div class="net-buttons">
                            <button type="button" onclick={apply} disabled={draft.is_none()}
                                    aria-describedby="note-apply">{ "Apply partition" }</button>
                            <button type="button" onclick={heal} disabled={!p.links_cut}
                                    aria-describedby="note-heal-all">{ "Heal all" }</button>
                        </div>
                        <div class="net-buttons presets">
                            { for Preset::ALL.iter().map(|&preset| {
                                let cb = p.on_preset.clone();
                                html! {
                                    <button type="button" disabled={!p.has_leader}
                                            aria-describedby={preset.note()}
                                            onclick={Callback::from(move |_: MouseEvent| cb.emit(preset))}>
                                        { preset.label() }
                                    </button>
                                }
                            }) }
                        </div>
                        if n >= 2 {
                            <div class="net-buttons one-way">
                                <span class="caption">{ "Cut one way:" }</span>
                                { server_select("One-way cut from".to_string(), one_way.0, pick_end(false)) }
                                <span aria-hidden="true">{ "→" }</span>
                                { server_select("One-way cut to".to_string(), one_way.1, pick_end(true)) }
                                <button type="button" onclick={cut_one_way}
                                        aria-describedby="note-one-way">
                                    { "Cut one way" }
                                </button>
                            </div>
                        }
                    </fieldset>
                    <fieldset class="faults">
                        <legend>{ "Faults" }</legend>
                        { number("Message loss", Some("100"), &loss, Input::Loss, &on_loss) }
                        { number("Duplication", Some("100"), &dup, Input::Duplication, &on_dup) }
                        <div class="net-pair" role="group" aria-label="Latency">
                            <span class="caption">{ "Latency (ms)" }</span>
                            { number("Latency minimum", Some("10000"), &lat_min, Input::Latency, &on_latency) }
                            { number("Latency maximum", Some("10000"), &lat_max, Input::Latency, &on_latency) }
                        </div>
                        <div class="net-pair" role="group" aria-label="Long delays">
                            <span class="caption">{ "Long delays" }</span>
                            { number("Long delay share", Some("100"), &delay_pct, Input::LongDelays, &on_delays) }
                            { number("Long delay length", None, &delay_ms, Input::LongDelays, &on_delays) }
                        </div>
                    </fieldset>
                    if let Some((_, message)) = &*error {
                        <p class="net-error" role="alert">{ format!("Not changed: {message}") }</p>
                    }
                </div>
            }
        </details>
    }
}
