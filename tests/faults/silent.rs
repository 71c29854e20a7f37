//! A terminal that answers the payment with 80 00 and then says nothing more: the till gives up
//! after T4 with the payment in doubt, and the next card sale asks the terminal first.

use crate::in_process::{T4, booked, folder, sell, settle_matches, simulator, terminal, till};
use tillguard::store::CardState;
use tillguard::terminal::simulator::SimFaults;
use tillguard::till::TillError;

fn silent() -> SimFaults {
    SimFaults {
        silence_after_ack: true,
        ..SimFaults::default()
    }
}

#[test]
fn a_terminal_silent_after_80_00_leaves_the_payment_in_doubt_and_the_next_sale_resolves_it() {
    let (dir, state) = folder();
    let mut till = till(dir.path());
    {
        let (_sim, port) = simulator(&state, SimFaults::default());
        sell(&mut till, &mut terminal(port), "COLA").expect("first sale");
    }
    {
        let (_sim, port) = simulator(&state, silent());
        let err = sell(&mut till, &mut terminal(port), "FOD-002").expect_err("no result came");
        assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("stopped talking") && text.contains("in doubt"), "{text}");
        assert!(text.contains(&format!("{T4:?}")), "names how long it waited: {text}");
    }
    let status = till.status().expect("status");
    assert_eq!((status.sales_count, status.card_in_doubt.count), (1, 1));
    let id = status.card_in_doubt.ids[0];
    assert_eq!(booked(&state), [350]);

    let (_sim, port) = simulator(&state, SimFaults::default());
    let mut terminal = terminal(port);
    sell(&mut till, &mut terminal, "COLA").expect("the next sale");
    let recovery = till.take_recovery().expect("recovery ran before the sale");
    assert_eq!(recovery.cards.len(), 1, "{recovery:?}");
    let row = till.store().card(id).expect("read").expect("row");
    assert_eq!(row.state, CardState::Declined, "{row:?}");
    let status = till.status().expect("status");
    assert_eq!((status.sales_count, status.card_in_doubt.count), (2, 0));
    assert_eq!(booked(&state), [350, 350]);
    settle_matches(&mut till, &mut terminal, 700);
}

/// The terminal's very first payment goes unanswered: it has no earlier transaction to repeat,
/// so recovery must still be able to tell that this one was not booked.
#[test]
fn a_first_payment_lost_to_a_silent_terminal_does_not_block_card_payments() {
    let (dir, state) = folder();
    let mut till = till(dir.path());
    {
        let (_sim, port) = simulator(&state, silent());
        let err = sell(&mut till, &mut terminal(port), "FOD-002").expect_err("no result came");
        assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err:?}");
    }
    assert!(booked(&state).is_empty());
    let (_sim, port) = simulator(&state, SimFaults::default());
    let mut terminal = terminal(port);
    let sale = sell(&mut till, &mut terminal, "COLA");
    let status = till.status().expect("status");
    assert!(sale.is_ok(), "{sale:?}; in doubt: {:?}", status.card_in_doubt);
    // Card payments go on; the lost one stays flagged, never dropped.
    assert_eq!((status.sales_count, status.card_in_doubt.count), (1, 1));
    let id = status.card_in_doubt.ids[0];
    // The end-of-day shows the terminal holds the new sale alone: the lost one was not booked.
    settle_matches(&mut till, &mut terminal, 350);
    let status = till.status().expect("status");
    assert_eq!(
        status.card_in_doubt.count,
        0,
        "still in doubt after a settlement that accounts for every booked payment: {:?}",
        till.store().card(id)
    );
}
