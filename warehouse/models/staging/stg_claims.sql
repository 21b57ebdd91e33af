-- One row per figure mention, cleaned: codes upper-cased, claimant lists sorted and de-duplicated,
-- blank strings made null, plus the sorted claimant key and the date the figure stands as of.
-- claim_id: stable id of the mention
-- doc_id: the document the mention is in
-- section: where in the article: headline, body, caption, related (links to other stories), comment (reader comments)
-- metric: troops_deployed, killed, wounded, casualties (killed and wounded together), captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea); null when the text does not say
-- unit: persons, or percent for a share
-- value_low: lower number as stated; null when the text gives no lower bound
-- value_high: upper number as stated; null when the text gives no upper bound
-- value_best: one point value for charts (a range's midpoint rounded down, a vague amount's low end)
-- qualifier: how the number is stated: exact, approx, more_than, at_least, less_than, at_most, range, vague
-- number_text: the number phrase as written
-- scope: what the figure counts against the whole deployment: total, increment (a window's addition), part (a subset of the force), planned
-- claimants: who makes the claim, as codes (KR-NIS, UA, WEST, ...); empty when the outlet says it in its own voice
-- claimant_text: the attribution phrase as written
-- reported_date: publication date of the document
-- period_start: first day the figure covers, where the text says
-- period_end: the date the figure stands as of (the reported date unless the text says otherwise)
-- sentence: the sentence holding the mention
-- span_start: character offset where the number phrase starts in the document text
-- span_end: character offset where the number phrase ends in the document text
-- metric_text: the words that decided the metric
-- period_text: the time words that decided the period
-- scope_text: the words that decided the scope; null for a total by default
-- stated_from: first day the claimant may have stated the figure, where the text dates the statement ("told lawmakers last week"); else null
-- stated_to: last day the claimant may have stated the figure, where the text dates the statement; else null
-- run_id: the pipeline run that wrote the row

with source as (

    select * from raw_claims

),

renamed as (

    select
        cast(claim_id as varchar) as claim_id,
        cast(doc_id as varchar) as doc_id,
        lower(trim(section)) as section,
        lower(trim(metric)) as metric,
        upper(nullif(trim(subject), '')) as subject,
        lower(trim(unit)) as unit,
        cast(value_low as bigint) as value_low,
        cast(value_high as bigint) as value_high,
        cast(value_best as bigint) as value_best,
        lower(trim(qualifier)) as qualifier,
        number_text,
        coalesce(lower(trim(scope)), 'total') as scope,  -- files written before scope existed hold totals
        list_sort(list_distinct(list_filter(
            list_transform(coalesce(claimants, []), lambda code: upper(trim(code))),
            lambda code: code <> ''
        ))) as claimants,
        nullif(trim(claimant_text), '') as claimant_text,
        cast(reported_date as date) as reported_date,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        sentence,
        cast(span_start as integer) as span_start,
        cast(span_end as integer) as span_end,
        nullif(trim(metric_text), '') as metric_text,
        nullif(trim(period_text), '') as period_text,
        nullif(trim(scope_text), '') as scope_text,
        cast(stated_from as date) as stated_from,
        cast(stated_to as date) as stated_to,
        run_id

    from source

),

final as (

    select
        *,
        array_to_string(claimants, ',') as claimant_key,
        coalesce(period_end, reported_date) as as_of_date

    from renamed

)

select * from final
