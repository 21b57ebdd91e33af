-- Document columns the contract requires are filled.
select doc_id, source_path
from raw_documents
where doc_id is null or source_path is null or text is null or format is null
    or source_file is null or text_sha256 is null
    or sections is null or run_id is null
