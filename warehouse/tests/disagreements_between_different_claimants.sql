-- A disagreement is between two different claimants: a source never disagrees with itself.
select *
from source_disagreements
where lower_source = higher_source
