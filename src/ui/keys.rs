//! Keyboard and pointer events the checkout reacts to outside of its widgets.
//!
//! iced delivers every window event to `event::listen_with`, with the status telling whether
//! a widget captured it. F-keys, arrows and Esc are honoured whatever the status (the text
//! input captures Esc to drop its focus, which is exactly when the cashier needs it).
//! Printable keys and Enter are taken only when no widget captured them: that happens when
//! the barcode field lost focus, and those keystrokes are handed to it instead of being lost.

use iced::event::{Event, Status};
use iced::keyboard::{self, Key, key::Named};
use iced::{mouse, touch, window};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Shortcut(Shortcut),
    /// Text typed while no input had focus (a scanner racing a focus change).
    Stray(String),
    /// Enter pressed while no input had focus.
    StrayEnter,
    /// A click or touch ended somewhere, or the window regained focus: focus may have moved.
    Pointer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    FocusScan,
    FocusCash,
    Pay,
    PayCard,
    EndOfDay,
    Refund,
    Reports,
    /// Park the cart, or recall a parked one (F3).
    Park,
    /// Discount the selected line or the sale (F5).
    Discount,
    /// Lock the till / switch cashier (F7, Ctrl+L).
    Lock,
    /// Settings (F10, managers).
    Settings,
    /// The incidents screen (Ctrl+I).
    Incidents,
    Quit,
    Escape,
    Increase,
    Decrease,
    SelectPrevious,
    SelectNext,
}

/// The subscription filter; a plain `fn` because `listen_with` takes a function pointer.
pub fn classify(event: Event, status: Status, _window: window::Id) -> Option<Input> {
    match event {
        Event::Keyboard(keyboard::Event::KeyPressed {
            key,
            modifiers,
            text,
            repeat,
            ..
        }) => key_pressed(&key, modifiers, text.as_deref(), repeat, status),
        Event::Mouse(mouse::Event::ButtonReleased(_))
        | Event::Touch(touch::Event::FingerLifted { .. })
        | Event::Window(window::Event::Focused) => Some(Input::Pointer),
        _ => None,
    }
}

fn key_pressed(
    key: &Key,
    modifiers: keyboard::Modifiers,
    text: Option<&str>,
    repeat: bool,
    status: Status,
) -> Option<Input> {
    if let Key::Named(named) = key {
        let shortcut = match named {
            Named::F2 => Some(Shortcut::FocusScan),
            Named::F4 => Some(Shortcut::FocusCash),
            // A held F12 must not try to pay the next (empty) cart.
            Named::F12 if !repeat => Some(Shortcut::Pay),
            Named::F11 if !repeat => Some(Shortcut::PayCard),
            Named::F9 if !repeat => Some(Shortcut::EndOfDay),
            Named::F6 if !repeat => Some(Shortcut::Refund),
            Named::F8 if !repeat => Some(Shortcut::Reports),
            Named::F3 if !repeat => Some(Shortcut::Park),
            Named::F5 if !repeat => Some(Shortcut::Discount),
            Named::F7 if !repeat => Some(Shortcut::Lock),
            Named::F10 if !repeat => Some(Shortcut::Settings),
            Named::Escape => Some(Shortcut::Escape),
            Named::ArrowUp => Some(Shortcut::SelectPrevious),
            Named::ArrowDown => Some(Shortcut::SelectNext),
            Named::Enter if status == Status::Ignored => return Some(Input::StrayEnter),
            _ => None,
        };
        if let Some(shortcut) = shortcut {
            return Some(Input::Shortcut(shortcut));
        }
    }
    if modifiers.control() && matches!(key, Key::Character(c) if c.as_str().eq_ignore_ascii_case("q")) {
        return Some(Input::Shortcut(Shortcut::Quit));
    }
    if modifiers.control() && matches!(key, Key::Character(c) if c.as_str().eq_ignore_ascii_case("l")) {
        return Some(Input::Shortcut(Shortcut::Lock));
    }
    if modifiers.control() && matches!(key, Key::Character(c) if c.as_str().eq_ignore_ascii_case("i")) {
        return Some(Input::Shortcut(Shortcut::Incidents));
    }
    if status == Status::Captured || modifiers.control() || modifiers.alt() || modifiers.logo() {
        return None;
    }
    let text: String = text?.chars().filter(|c| !c.is_control()).collect();
    match text.as_str() {
        "" => None,
        "+" => Some(Input::Shortcut(Shortcut::Increase)),
        "-" => Some(Input::Shortcut(Shortcut::Decrease)),
        _ => Some(Input::Stray(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::keyboard::key::{NativeCode, Physical};
    use iced::keyboard::{Location, Modifiers};

    fn press(key: Key, text: Option<&str>, repeat: bool) -> Event {
        Event::Keyboard(keyboard::Event::KeyPressed {
            key: key.clone(),
            modified_key: key,
            physical_key: Physical::Unidentified(NativeCode::Unidentified),
            location: Location::Standard,
            modifiers: Modifiers::default(),
            text: text.map(Into::into),
            repeat,
        })
    }

    fn run(event: Event, status: Status) -> Option<Input> {
        classify(event, status, window::Id::unique())
    }

    #[test]
    fn function_keys_work_even_while_an_input_has_focus() {
        let f12 = press(Key::Named(Named::F12), None, false);
        assert_eq!(run(f12, Status::Captured), Some(Input::Shortcut(Shortcut::Pay)));
        let esc = press(Key::Named(Named::Escape), None, false);
        assert_eq!(run(esc, Status::Captured), Some(Input::Shortcut(Shortcut::Escape)));
        let held = press(Key::Named(Named::F12), None, true);
        assert_eq!(run(held, Status::Ignored), None, "auto-repeat must not pay twice");
    }

    #[test]
    fn ctrl_i_opens_the_incidents_even_from_a_field() {
        let input = key_pressed(
            &Key::Character("i".into()),
            Modifiers::CTRL,
            Some("\t"),
            false,
            Status::Captured,
        );
        assert_eq!(input, Some(Input::Shortcut(Shortcut::Incidents)));
    }

    #[test]
    fn typed_text_is_only_taken_when_no_widget_took_it() {
        let digit = press(Key::Character("6".into()), Some("6"), false);
        assert_eq!(run(digit.clone(), Status::Captured), None);
        assert_eq!(run(digit, Status::Ignored), Some(Input::Stray("6".into())));
        let plus = press(Key::Character("+".into()), Some("+"), false);
        assert_eq!(run(plus, Status::Ignored), Some(Input::Shortcut(Shortcut::Increase)));
        let enter = press(Key::Named(Named::Enter), Some("\r"), false);
        assert_eq!(run(enter.clone(), Status::Ignored), Some(Input::StrayEnter));
        assert_eq!(
            run(enter, Status::Captured),
            None,
            "the focused input handles its own Enter"
        );
    }
}
