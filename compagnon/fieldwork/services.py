"""Every state change of field service, split by what it does (each module re-exported here):
``services_requests`` (public requests, offering, taking, proposing, flagging),
``services_contracts`` (catalogue, contracts, rhythms, generated visits, renewal, the client's
choice of tasks), ``services_planning`` (plan_visit, unavailability, calendar feed, slots,
booking, deposits)."""

from .services_contracts import (  # noqa: F401
    choose_tasks,
    create_contract,
    create_service,
    end_contract,
    generate_visits,
    hours,
    next_visit,
    renew_contracts,
    rhythm_dates,
    send_client_link,
    set_recurrences,
    set_tasks,
    update_contract,
    update_service,
)
from .services_planning import (  # noqa: F401
    add_unavailability,
    book_slot,
    calendar_feed,
    conflicts,
    delete_slot,
    delete_unavailability,
    plan_visit,
    publish_slot,
    refresh_deposit,
    refund_deposit,
    rotate_feed,
    start_payment,
)
from .services_requests import (  # noqa: F401
    add_request_photo,
    cancel_request,
    decline_proposal,
    flag_untaken_requests,
    propose_member,
    route,
    submit_request,
    take_request,
)
