//! The "Figure 2" panel: the rules of the paper's summary, from
//! [`raft::Rule`]'s data, with the one the latest decision applied
//! highlighted. The list is built the first time the panel opens.

use crate::components::disclosure::use_opened;
use raft::Rule;
use yew::prelude::*;

/// Props of [`RulesPanel`].
#[derive(Properties, PartialEq)]
pub struct RulesPanelProps {
    /// The rule the latest narrated decision applied.
    pub last: Option<Rule>,
}

/// A disclosure listing Figure 2's rules.
#[function_component(RulesPanel)]
pub fn rules_panel(p: &RulesPanelProps) -> Html {
    let (opened, ontoggle) = use_opened();
    html! {
        <details class="rules-panel" {ontoggle}>
            <summary>{ "Figure 2" }</summary>
            if opened {
                <ol>
                    { for Rule::ALL.iter().map(|&r| {
                        let current = p.last == Some(r);
                        html! {
                            <li class={classes!(current.then_some("applied"))} data-rule={r.name()}
                                aria-current={current.then_some("true")}>
                                <strong>{ r.name() }</strong>{ " (" }{ r.section() }{ "): " }{ r.text() }
                            </li>
                        }
                    }) }
                </ol>
            }
        </details>
    }
}
