-- Per metric, subject, unit and month (of period_end, else of the reported date), the range of the
-- total-scope estimates across claimants (increments, parts and plans are left out). Each claimant's estimate counts once however often it is repeated;
-- figures in the outlets' own voice count under 'unattributed'. Undated figures are left out.
-- month: first day of the month
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- lowest_low: lowest stated lower bound (null when none is stated)
-- highest_high: highest stated upper bound (null when none is stated)
-- lowest_best: lowest best value
-- highest_best: highest best value
-- median_best: median best value over the claimants' estimates
-- claimant_count: how many claimants (with 'unattributed' as one)
-- claimants: the claimants, sorted
-- estimates: distinct estimates

with monthly as (

    select * from int_monthly_estimates

),

final as (

    select
        month,
        metric,
        subject,
        unit,
        min(value_low) as lowest_low,
        max(value_high) as highest_high,
        min(value_best) as lowest_best,
        max(value_best) as highest_best,
        median(value_best) as median_best,
        count(distinct claimant) as claimant_count,
        list_sort(list_distinct(list(claimant))) as claimants,
        count(*) as estimates  -- a row of int_monthly_estimates is one estimate in a month

    from monthly
    group by month, metric, subject, unit

)

select * from final
order by month, metric, subject nulls last, unit
