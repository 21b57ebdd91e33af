-- metric, section, qualifier, unit and scope take only the contract's values (the runner sets the lists
-- from schemas/tables.py).
select claim_id, metric, section, qualifier, unit, scope
from stg_claims
where not list_contains(getvariable('accepted_metrics'), metric)
    or not list_contains(getvariable('accepted_sections'), section)
    or not list_contains(getvariable('accepted_qualifiers'), qualifier)
    or not list_contains(getvariable('accepted_units'), unit)
    or not list_contains(getvariable('accepted_scopes'), scope)
