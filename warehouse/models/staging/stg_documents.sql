-- One row per ingested document, cleaned: blank strings become null, types as the contract says.
-- The same article under two names (equal text_sha256) is one article: the first by source_path is
-- kept and the others get duplicate_of, so the marts count it once.
-- The article text and its section spans stay in the lake (the `documents` view); the marts do not need them.
-- doc_id: stable id of the document, derived from its normalized content
-- source_path: path of the raw file relative to the input folder (`PATH:LINE` for a line of a .jsonl file)
-- title: headline, where the file has one
-- outlet: publisher, where the text or its metadata names one
-- published_date: publication date; null when nothing states it
-- text: the normalized article text that claim offsets point into
-- error: why the file could not be read or parsed; null when it was fine
-- url: address of the article, where known
-- format: input format the document came from (txt, md, html, jsonl)
-- sections: spans (section, start, end) covering the text: headline, body, caption, related, comment
-- source_file: the input file (source_path without any :LINE)
-- content_sha256: SHA-256 of the input file's raw bytes (of the whole file for .jsonl)
-- text_sha256: SHA-256 of the text: equal for the same article under two names
-- run_id: the pipeline run that wrote the row
-- source_paths: every path the document was seen at, in input order; source_path is the first

with source as (

    select * from raw_documents

),

renamed as (

    select
        cast(doc_id as varchar) as doc_id,
        cast(source_path as varchar) as source_path,
        nullif(trim(title), '') as title,
        nullif(trim(outlet), '') as outlet,
        cast(published_date as date) as published_date,
        nullif(trim(error), '') as error,
        nullif(trim(url), '') as url,
        lower(trim(format)) as format,
        source_file,
        content_sha256,
        text_sha256,
        run_id,
        source_paths

    from source

),

-- the first document (by source_path, then doc_id) of each text; a group by, not a window over
-- one partition per text, which costs far more on a big lake
first_of_text as (

    select
        text_sha256,
        arg_min(doc_id, (source_path, doc_id)) as first_doc_id

    from renamed
    where text_sha256 is not null
    group by text_sha256

),

final as (

    select
        renamed.*,
        case when first_of_text.first_doc_id <> renamed.doc_id then first_of_text.first_doc_id end
            as duplicate_of

    from renamed
    left join first_of_text on renamed.text_sha256 = first_of_text.text_sha256

)

select * from final
