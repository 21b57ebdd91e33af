-- A derived casualties event exists only where the claimant stated no casualties figure that day.
select derived_event.event_id, derived_event.claimant, derived_event.stated_on
from claim_events as derived_event
join claim_events as stated_event
    on derived_event.claimant = stated_event.claimant
    and derived_event.subject is not distinct from stated_event.subject
    and derived_event.unit = stated_event.unit
    and derived_event.scope = stated_event.scope
    and derived_event.stated_on = stated_event.stated_on
where derived_event.derived
    and stated_event.metric = 'casualties'
    and not stated_event.derived
