-- Every doc_id appears once in the lake.
select doc_id, count(*) as copies
from stg_documents
group by doc_id
having count(*) > 1
