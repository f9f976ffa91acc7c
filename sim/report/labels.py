"""Every word a report shows, in English and Chinese (简体中文).

A report speaks one language throughout: figure titles, axis labels, legends, table
headers and captions, and the index of the report folder. Three tables hold the words:

- ``WEEKLY``: the weekly metrics (``sim.submodels.observation.METRICS``);
- ``RUN``: the per-run sustainability metrics (``sim.core.metrics.sustainability``);
- ``TEXT``: every other string, some with ``{placeholders}``.

Scenario names are the experiment's own labels and are shown as written, except the
names of the model's settings and interventions and the scenarios of the shipped
experiments, which ``SCENARIOS`` names in both languages. Every metric has a unit
(``METRIC_UNITS``, named in ``UNITS``): figures label their axes with it and the
readable tables their columns. Parameter paths
(``trust.gossip_rate``) are shown as written in both languages: they are what a reader
looks up in parameters.md.

The Chinese terms follow the seeds where they name the concept (社会信任, 互惠规范,
规范权威, 互助养老, 时间银行 …; docs/odd.md).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "zh")

WEEKLY: dict[str, dict[str, str]] = {
    "week": {"en": "Week", "zh": "周"},
    "residents": {"en": "Residents", "zh": "居民数"},
    "aware_share": {"en": "Share aware of the scheme", "zh": "知晓互助项目的比例"},
    "willing_share": {"en": "Share willing to take part", "zh": "有参与意愿的比例"},
    "member_share": {"en": "Member share", "zh": "会员比例"},
    "active_share": {"en": "Active share", "zh": "活跃参与比例"},
    "need_hours": {"en": "Need", "zh": "需求"},
    "met_hours": {"en": "Met need", "zh": "已满足需求"},
    "coverage": {"en": "Coverage of need", "zh": "需求覆盖率"},
    "unmet_adl_share": {"en": "ADL-disabled with unmet daily-living need", "zh": "生活照料需求未满足的失能者比例"},
    "generalized_trust": {"en": "Generalized trust", "zh": "社会信任"},
    "tie_trust": {"en": "Trust within ties", "zh": "关系信任"},
    "norm_authority": {"en": "Norm authority", "zh": "规范权威"},
    "violation_rate": {"en": "Violations per member", "zh": "会员人均违规次数"},
    "sanctions": {"en": "Sanctions", "zh": "制裁次数"},
    "disputes": {"en": "Disputes", "zh": "纠纷次数"},
    "mean_degree": {"en": "Ties per resident", "zh": "人均关系数"},
    "clustering": {"en": "Clustering coefficient", "zh": "聚类系数"},
    "isolated_share": {"en": "Socially isolated share", "zh": "社会孤立比例"},
    "loneliness": {"en": "Mean loneliness", "zh": "平均孤独感"},
    "lonely_share": {"en": "Lonely share", "zh": "孤独者比例"},
    "belonging": {"en": "Mean belonging", "zh": "平均归属感"},
    "help_gini": {"en": "Gini of help received (13 weeks)", "zh": "受助基尼系数（13周）"},
    "coverage_gap": {
        "en": "Coverage gap (best- minus least-connected quarter, ties before the scheme)",
        "zh": "覆盖率差距（按互助前关系数，最多与最少的四分之一居民之差）",
    },
    "hours_per_active_member": {"en": "Hours of help per active resident", "zh": "活跃者人均服务时长"},
    "credits_outstanding": {"en": "Time-bank credits outstanding", "zh": "时间银行未兑付积分"},
    "budget_spent": {"en": "Budget spent, cumulative", "zh": "累计支出"},
    "exchanges": {"en": "Exchanges", "zh": "互助次数"},
    "dispute_rate": {"en": "Disputes per exchange", "zh": "每次互助的纠纷率"},
    "budget_balance": {"en": "Budget balance", "zh": "资金余额"},
    "interventions_running": {"en": "Interventions running", "zh": "实施中的干预数"},
    "redeemed_hours": {"en": "Hours redeemed from the time bank", "zh": "时间银行兑换时长"},
    "hours_per_active_giver": {"en": "Hours of help per resident who gave", "zh": "提供帮助者人均服务时长"},
    "hours_per_registrant": {"en": "Hours of help per registrant", "zh": "登记会员人均服务时长"},
    "never_exchanged_share": {"en": "Registrants who never exchanged", "zh": "从未参与互助的登记会员比例"},
    "need_hours_before_services": {"en": "Need before services", "zh": "服务前需求时长"},
    "coverage_of_need": {"en": "Coverage of need before services", "zh": "服务前需求覆盖率"},
    "mean_age": {"en": "Mean age", "zh": "平均年龄"},
    "iadl_limited_share": {"en": "IADL-limited share", "zh": "工具性日常活动受限比例"},
    "adl_limited_share": {"en": "ADL-disabled share", "zh": "日常生活活动失能比例"},
}

RUN: dict[str, dict[str, str]] = {
    "mean_coverage_last2y": {"en": "Coverage of need (last 2 years)", "zh": "需求覆盖率（最后两年）"},
    "mean_active_share_last2y": {"en": "Active share (last 2 years)", "zh": "活跃参与比例（最后两年）"},
    "mean_member_share_last2y": {"en": "Member share (last 2 years)", "zh": "会员比例（最后两年）"},
    "mean_willing_share_last2y": {"en": "Willing share (last 2 years)", "zh": "参与意愿比例（最后两年）"},
    "peak_active_share": {"en": "Peak active share", "zh": "活跃参与比例峰值"},
    "persistence": {"en": "Persistence (last 2 years / peak)", "zh": "持续性（最后两年/峰值）"},
    "collapsed": {"en": "Runs that collapsed", "zh": "崩溃的运行"},
    "collapse_week": {"en": "Week of collapse", "zh": "崩溃发生周"},
    "mean_coverage_gap_last2y": {"en": "Coverage gap (last 2 years)", "zh": "覆盖率差距（最后两年）"},
    "mean_help_gini_last2y": {"en": "Gini of help received (last 2 years)", "zh": "受助基尼系数（最后两年）"},
    "mean_coverage_of_need_last2y": {
        "en": "Coverage of need before services (last 2 years)",
        "zh": "服务前需求覆盖率（最后两年）",
    },
    "mean_generalized_trust_last2y": {"en": "Generalized trust (last 2 years)", "zh": "社会信任（最后两年）"},
    "mean_norm_authority_last2y": {"en": "Norm authority (last 2 years)", "zh": "规范权威（最后两年）"},
    "mean_lonely_share_last2y": {"en": "Lonely share (last 2 years)", "zh": "孤独者比例（最后两年）"},
    "mean_isolated_share_last2y": {"en": "Isolated share (last 2 years)", "zh": "社会孤立比例（最后两年）"},
    "hours_per_active_member_per_year": {"en": "Hours of help per active resident", "zh": "活跃者年人均服务时长"},
    "hours_per_active_giver_per_year": {"en": "Hours of help per resident who gave", "zh": "提供帮助者年人均服务时长"},
    "budget_spent": {"en": "Budget spent", "zh": "总支出"},
    "cost_per_met_hour": {"en": "Cost per met need-hour", "zh": "每小时已满足需求的成本"},
}

HALF_LIFE_PREFIX = "gain_half_life_"
STOP_WEEK_PREFIX = "stop_week_"
"""Run metrics named ``gain_half_life_<intervention>`` take their label from ``TEXT["half_life"]``."""

SCENARIOS: dict[str, dict[str, str]] = {
    "baseline": {"en": "Baseline", "zh": "基线"},
    "full_package": {"en": "Full package", "zh": "综合方案"},
    "defaults": {"en": "Calibrated defaults", "zh": "校准默认值"},
    "new_estate": {"en": "New estate", "zh": "新建商品房小区"},
    "old_estate": {"en": "Old estate", "zh": "老旧小区"},
    "rural_village": {"en": "Rural village", "zh": "农村社区"},
    "higher_trust": {"en": "Higher initial trust", "zh": "较高初始信任"},
    "activities": {"en": "Community activities", "zh": "社区活动"},
    "platform": {"en": "Information platform", "zh": "信息交互平台"},
    "supervision": {"en": "Supervision body", "zh": "专业监督机构"},
    "norm_revision": {"en": "Norm revision group", "zh": "规范修订小组"},
    "infrastructure": {"en": "Activity centres and adaptations", "zh": "活动中心与适老化改造"},
    "targeted_support": {"en": "One-to-one support", "zh": "一对一帮扶"},
    "time_bank": {"en": "Time bank", "zh": "时间银行"},
    "incentives": {"en": "Incentives", "zh": "激励措施"},
    "professional_services": {"en": "Professional services", "zh": "医养结合专业服务"},
    "funding": {"en": "Funding", "zh": "资金"},
    "stable_funding": {"en": "Stable funding", "zh": "稳定资金"},
    "project_3y": {"en": "Three-year project grant", "zh": "三年期项目资助"},
    "time_bank_stable": {"en": "Time bank with stable funding", "zh": "稳定资助的时间银行"},
    "defaults_activities": {"en": "Calibrated defaults with activities", "zh": "校准默认值加社区活动"},
}
"""The settings, interventions and scenarios of the shipped experiments (experiments/*.toml)."""

UNITS: dict[str, dict[str, str]] = {
    "percent": {"en": "%", "zh": "%"},
    "points": {"en": "percentage points", "zh": "百分点"},
    "ratio": {"en": "ratio", "zh": "比值"},
    "scale": {"en": "0–1 scale", "zh": "0–1 标度"},
    "yuan": {"en": "yuan", "zh": "元"},
    "yuan_per_hour": {"en": "yuan per hour", "zh": "元/小时"},
    "weeks": {"en": "weeks", "zh": "周"},
    "hours_per_week": {"en": "hours per week", "zh": "小时/周"},
    "hours_per_year": {"en": "hours per year", "zh": "小时/年"},
    "per_week": {"en": "per week", "zh": "次/周"},
    "per_member": {"en": "per member per week", "zh": "次/会员/周"},
    "ties": {"en": "ties per resident", "zh": "条/人"},
    "residents": {"en": "residents", "zh": "人"},
    "credits": {"en": "credit hours", "zh": "积分小时"},
    "interventions": {"en": "interventions", "zh": "项"},
    "runs": {"en": "runs", "zh": "次运行"},
    "years": {"en": "years", "zh": "岁"},
}
"""Names of the units; ``METRIC_UNITS`` says which metric is in which."""

PARAMETER_UNITS: dict[str, dict[str, str]] = {
    "-": {"en": "0–1", "zh": "0–1"},
    "week": {"en": "week", "zh": "周"},
    "weeks": {"en": "weeks", "zh": "周"},
    "years": {"en": "years", "zh": "年"},
    "1/week": {"en": "1/week", "zh": "1/周"},
    "1/year": {"en": "1/year", "zh": "1/年"},
    "log-odds": {"en": "log-odds", "zh": "对数几率"},
    "hours/week": {"en": "hours/week", "zh": "小时/周"},
    "yuan": {"en": "yuan", "zh": "元"},
    "yuan/week": {"en": "yuan/week", "zh": "元/周"},
    "yuan/hour": {"en": "yuan/hour", "zh": "元/小时"},
    "ties": {"en": "ties", "zh": "条"},
    "residents": {"en": "residents", "zh": "人"},
}
"""The units of parameters (``unit`` of sim.core.params.param) where a figure's axis
spans a parameter (the tipping phase diagram); "-" (a share or probability) is shown
as its range. A unit not listed is shown as written."""

SCALES = {"percent": 100.0, "points": 100.0}
"""Shares are stored as fractions and shown as per cent (differences of shares as
percentage points)."""

METRIC_UNITS: dict[str, str] = {
    "week": "weeks",
    "residents": "residents",
    "aware_share": "percent",
    "willing_share": "percent",
    "member_share": "percent",
    "active_share": "percent",
    "need_hours": "hours_per_week",
    "met_hours": "hours_per_week",
    "coverage": "percent",
    "unmet_adl_share": "percent",
    "generalized_trust": "scale",
    "tie_trust": "scale",
    "norm_authority": "scale",
    "violation_rate": "per_member",
    "sanctions": "per_week",
    "disputes": "per_week",
    "mean_degree": "ties",
    "clustering": "scale",
    "isolated_share": "percent",
    "loneliness": "scale",
    "lonely_share": "percent",
    "belonging": "scale",
    "help_gini": "scale",
    "coverage_gap": "points",
    "hours_per_active_member": "hours_per_week",
    "credits_outstanding": "credits",
    "budget_spent": "yuan",
    "exchanges": "per_week",
    "dispute_rate": "percent",
    "budget_balance": "yuan",
    "interventions_running": "interventions",
    "redeemed_hours": "hours_per_week",
    "hours_per_active_giver": "hours_per_week",
    "hours_per_registrant": "hours_per_week",
    "never_exchanged_share": "percent",
    "need_hours_before_services": "hours_per_week",
    "coverage_of_need": "percent",
    "mean_age": "years",
    "iadl_limited_share": "percent",
    "adl_limited_share": "percent",
    "mean_coverage_last2y": "percent",
    "mean_active_share_last2y": "percent",
    "mean_member_share_last2y": "percent",
    "mean_willing_share_last2y": "percent",
    "peak_active_share": "percent",
    "persistence": "ratio",
    "collapsed": "runs",
    "collapse_week": "weeks",
    "mean_coverage_gap_last2y": "points",
    "mean_help_gini_last2y": "scale",
    "mean_generalized_trust_last2y": "scale",
    "mean_norm_authority_last2y": "scale",
    "mean_lonely_share_last2y": "percent",
    "mean_isolated_share_last2y": "percent",
    "hours_per_active_member_per_year": "hours_per_year",
    "hours_per_active_giver_per_year": "hours_per_year",
    "mean_coverage_of_need_last2y": "percent",
    "cost_per_met_hour": "yuan_per_hour",
}
"""The unit of every weekly and per-run metric (``budget_spent`` is yuan in both);
gain half-lives are in weeks."""

TEXT: dict[str, dict[str, str]] = {
    # axes, legends and table headers
    "year": {"en": "Year", "zh": "年"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "parameter": {"en": "Parameter", "zh": "参数"},
    "n": {"en": "n", "zh": "n"},
    "mean": {"en": "Mean", "zh": "均值"},
    "sd": {"en": "SD", "zh": "标准差"},
    "ci95": {"en": "95% CI", "zh": "95%置信区间"},
    "pairs": {"en": "Pairs", "zh": "配对数"},
    "difference": {"en": "Difference", "zh": "差值"},
    "replicates": {"en": "Replicates", "zh": "重复次数"},
    "cv": {"en": "Coefficient of variation", "zh": "变异系数"},
    "half_width_log": {"en": "95% CI half-width (log scale)", "zh": "95%置信区间半宽（对数坐标）"},
    "first_order": {"en": "First-order S1", "zh": "一阶指数 S1"},
    "total_order": {"en": "Total-order ST", "zh": "总效应指数 ST"},
    "sobol_index": {"en": "Sobol' index (share of the output's variance)", "zh": "Sobol'指数（占输出方差的比例）"},
    "mu_star": {"en": "μ* (mean |elementary effect|)", "zh": "μ*（基本效应绝对值的均值）"},
    "sigma": {"en": "σ (SD of elementary effects)", "zh": "σ（基本效应的标准差）"},
    "elementary_effect": {
        "en": "Elementary effect (output change over the parameter's range)",
        "zh": "基本效应（参数取遍其范围时输出的变化）",
    },
    "half_life": {"en": "Half-life of the {intervention} gain", "zh": "{intervention}效果半衰期"},
    "tipping_never_started": {"en": "never started", "zh": "未能启动"},
    "tipping_running": {"en": "running", "zh": "持续运行"},
    "tipping_recovered": {"en": "fell, then recovered", "zh": "衰退后恢复"},
    "tipping_collapsed": {"en": "collapsed after running", "zh": "运行后崩溃"},
    "tipping_key": {
        "en": "Marker: the class of most runs (size: its share); numbers: runs never started / running / collapsed",
        "zh": "标记：多数运行所属类别（大小：其比例）；数字：未能启动/持续运行/运行后崩溃的运行次数",
    },
    "stop_week": {"en": "Week the {intervention} stopped", "zh": "{intervention}停止周"},
    "with_unit": {"en": "{name}, {unit}", "zh": "{name}（{unit}）"},
    "parameter_with_unit": {"en": "{name} ({unit})", "zh": "{name}（{unit}）"},
    # figure titles
    "title_timeseries": {
        "en": "Weekly metrics by scenario: mean and 95% CI over replicates",
        "zh": "各情景的周指标：重复运行的均值与95%置信区间",
    },
    "title_timeseries_one_run": {
        "en": "Weekly metrics by scenario: one run each, so no confidence band",
        "zh": "各情景的周指标：每个情景仅一次运行，无置信带",
    },
    "title_forest": {
        "en": "Paired effects on sustainability relative to {reference} (mean difference, 95% CI)",
        "zh": "相对于{reference}的配对效应（均值差与95%置信区间）",
    },
    "title_equity": {
        "en": "Equity: coverage of the best- versus the least-connected residents",
        "zh": "公平性：关系最多与最少居民的需求覆盖率差距",
    },
    "title_cost": {
        "en": "Cost per met need-hour against sustainability (mean, 95% CI)",
        "zh": "每小时已满足需求的成本与可持续性（均值与95%置信区间）",
    },
    "title_replicates": {
        "en": "Precision as replicates are added (in seed order)",
        "zh": "精度随重复次数增加的变化（按种子顺序）",
    },
    "title_sobol": {"en": "Sobol' indices with 95% CI: {scenario}", "zh": "Sobol'指数及95%置信区间：{scenario}"},
    "title_morris": {
        "en": "Morris elementary effects, μ* with 95% CI: {scenario}",
        "zh": "Morris基本效应（μ*及95%置信区间）：{scenario}",
    },
    "at_point": {"en": "design point {point}: {values}", "zh": "设计点{point}：{values}"},
    "equity_over_time": {"en": "Over time", "zh": "随时间变化"},
    # table captions
    "caption_sustainability": {
        "en": "Sustainability, equity and cost per scenario: mean, SD and 95% CI over {n} replicates.",
        "zh": "各情景的可持续性、公平性与成本指标：{n}次重复运行的均值、标准差与95%置信区间。",
    },
    "caption_effects": {
        "en": "Paired differences from {reference} (same seed, replicate by replicate): mean, SD and 95% CI.",
        "zh": "与{reference}的配对差值（相同随机种子逐次配对）：均值、标准差与95%置信区间。",
    },
    "caption_replicates": {
        "en": "95% CI half-width of each scenario's mean (in parentheses: coefficient of variation) with the first n replicates in seed order.",
        "zh": "按种子顺序取前n次重复时各情景均值的95%置信区间半宽（括号内为变异系数）。",
    },
    "caption_sobol": {
        "en": "Sobol' first-order (S1) and total-order (ST) indices with 95% bootstrap CIs.",
        "zh": "Sobol'一阶指数（S1）与总效应指数（ST）及其95% bootstrap置信区间。",
    },
    "caption_morris": {
        "en": "Morris screening: μ* with 95% bootstrap CI, and σ.",
        "zh": "Morris筛选：μ*及其95% bootstrap置信区间，以及σ。",
    },
    # the report's index (README.md)
    "index_title": {"en": "Report: {name}", "zh": "报告：{name}"},
    "index_intro": {
        "en": "Generated by `{command}` on {created} from the results folder `{results}`.",
        "zh": "由 `{command}` 于 {created} 根据结果文件夹 `{results}` 生成。",
    },
    "index_experiment": {"en": "Experiment", "zh": "实验"},
    "index_description": {"en": "Description", "zh": "说明"},
    "index_design": {"en": "Design", "zh": "实验设计"},
    "design_text": {"en": "{kind}, {points} design point(s)", "zh": "{kind}，{points}个设计点"},
    "index_runs": {"en": "Runs", "zh": "运行"},
    "index_runs_text": {
        "en": "{ok} ok, {failed} failed, {pending} pending of {total} ({scenarios} scenarios × {points} design points × {replicates} replicates)",
        "zh": "共{total}次，成功{ok}次，失败{failed}次，未完成{pending}次（{scenarios}个情景 × {points}个设计点 × {replicates}次重复）",
    },
    "index_reference": {"en": "Reference scenario", "zh": "参照情景"},
    "index_code": {"en": "Code that produced the results", "zh": "生成结果的代码版本"},
    "index_code_report": {"en": "Code that produced this report", "zh": "生成本报告的代码版本"},
    "index_code_differs": {
        "en": "The docs copied here describe the code of this report, which differs from the code of the sweep.",
        "zh": "此处复制的文档对应生成本报告的代码，与运行实验时的代码版本不同。",
    },
    "index_files": {"en": "Files", "zh": "文件"},
    "index_file": {"en": "File", "zh": "文件"},
    "index_what": {"en": "What it is", "zh": "内容"},
    "index_notes": {"en": "Notes", "zh": "说明事项"},
    "index_formats": {
        "en": "Each figure is written as {formats} (PNG at {dpi} dpi).",
        "zh": "每幅图均保存为 {formats} 格式（PNG 分辨率 {dpi} dpi）。",
    },
    "index_latex": {
        "en": "LaTeX tables need `\\usepackage{{booktabs,longtable}}`.",
        "zh": "LaTeX 表格需要 `\\usepackage{{booktabs,longtable}}`，中文需用 XeLaTeX 并加载 `xeCJK` 或 `ctex`。",
    },
    "file_readme": {"en": "This index", "zh": "本索引"},
    "file_provenance": {
        "en": "Provenance: the resolved experiment (scenarios, design, SALib problem, seeds), the sweep's versions, git commit, command lines and sessions, and the same for this report",
        "zh": "来源信息：解析后的实验（情景、设计、SALib problem、随机种子），实验运行的软件版本、git 提交、命令行与各次会话，以及本报告的相应信息",
    },
    "file_odd": {
        "en": "The model description (ODD+D), copied from docs/odd.md",
        "zh": "模型描述（ODD+D），复制自 docs/odd.md",
    },
    "file_parameters": {
        "en": "Every parameter with meaning, unit, default, range and provenance, copied from docs/parameters.md",
        "zh": "全部参数（含义、单位、默认值、取值范围与来源），复制自 docs/parameters.md",
    },
    "file_timeseries": {
        "en": "Time series of key weekly metrics per scenario, mean and 95% CI band over replicates",
        "zh": "各情景主要周指标的时间序列，重复运行的均值及95%置信带",
    },
    "file_forest": {
        "en": "Forest plot: each scenario's paired effect on the sustainability metrics relative to the reference, with 95% CI",
        "zh": "森林图：各情景相对于参照情景对可持续性指标的配对效应及95%置信区间",
    },
    "file_equity": {
        "en": "Equity: coverage gap between the best- and least-connected quarter of residents with need, over time and in the last 2 years, with the Gini of help received",
        "zh": "公平性：有需求居民中关系最多与最少的四分之一之间的覆盖率差距（随时间变化及最后两年），以及受助基尼系数",
    },
    "file_cost": {
        "en": "Cost per met need-hour against mean active share and coverage, one point per scenario with 95% CIs",
        "zh": "每小时已满足需求的成本与平均活跃比例及覆盖率的关系，每个情景一个点及95%置信区间",
    },
    "file_replicates": {
        "en": "95% CI half-width and coefficient of variation of the main sustainability metrics as replicates are added in seed order",
        "zh": "按种子顺序增加重复次数时主要可持续性指标的95%置信区间半宽与变异系数",
    },
    "file_sobol": {
        "en": "Sobol' first-order and total-order indices with 95% CIs, per output",
        "zh": "各输出指标的Sobol'一阶与总效应指数及95%置信区间",
    },
    "file_morris": {"en": "Morris μ* with 95% CI and σ, per output", "zh": "各输出指标的Morris μ*（含95%置信区间）与σ"},
    "file_sustainability": {
        "en": "Per scenario (and design point): n, mean, SD and 95% CI of every per-run metric",
        "zh": "各情景（及设计点）每个运行指标的n、均值、标准差与95%置信区间",
    },
    "file_effects": {
        "en": "Paired differences from the reference scenario: n pairs, mean, SD, 95% CI",
        "zh": "与参照情景的配对差值：配对数、均值、标准差、95%置信区间",
    },
    "file_replicates_table": {
        "en": "CI half-width, relative half-width and CV for n = 1 … replicates (CSV: every n; LaTeX: selected n)",
        "zh": "n = 1 … 重复次数时的置信区间半宽、相对半宽与变异系数（CSV 含全部 n，LaTeX 为选定的 n）",
    },
    "file_timeseries_table": {
        "en": "The data behind the time-series figures: per scenario, week and metric, n, mean, SD and 95% CI",
        "zh": "时间序列图的数据：各情景、周与指标的n、均值、标准差与95%置信区间",
    },
    "file_runs": {
        "en": "One row per run: id, scenario, design point and values, replicate, seed, status, per-run metrics",
        "zh": "每次运行一行：编号、情景、设计点及参数值、重复序号、随机种子、状态与运行指标",
    },
    "file_tipping": {
        "en": "Phase diagram of a tipping experiment: per design point, how many runs never started, ran, or collapsed after running",
        "zh": "临界点实验相图：各设计点中未能启动、持续运行、运行后崩溃的运行次数",
    },
    "file_tipping_table": {
        "en": "Tipping classification per scenario and design point: runs in each class, share collapsed, median collapse week, active share in the last year",
        "zh": "各情景与设计点的临界点分类：各类运行次数、崩溃比例、崩溃周中位数、最后一年的活跃比例",
    },
    "file_sensitivity_table": {
        "en": "Sensitivity indices per scenario, output and parameter",
        "zh": "各情景、输出指标与参数的敏感性指数",
    },
    "file_sensitivity_second": {
        "en": "Sobol' second-order indices per pair of parameters",
        "zh": "参数两两之间的Sobol'二阶指数",
    },
    "file_sensitivity_outputs": {
        "en": "Per scenario and output: design points, replicates averaged per point, mean, SD, and the share of the output's variance that is replicate noise",
        "zh": "各情景与输出指标：设计点数、每点平均的重复次数、均值、标准差，以及输出方差中来自重复随机性的比例",
    },
    # summary.md
    "summary_title": {"en": "Summary: {name}", "zh": "结果摘要：{name}"},
    "summary_intro": {
        "en": "{ok} runs succeeded and {failed} failed ({replicates} replicates per scenario; reference scenario: {reference}). Each cell is the mean over runs and, in brackets, its 95% confidence interval (t interval over replicates); shares are in per cent. summary.csv holds the same statistics unrounded, with SDs.",
        "zh": "成功运行{ok}次，失败{failed}次（每个情景{replicates}次重复；参照情景：{reference}）。每格为各次运行的均值，方括号内为其95%置信区间（基于重复运行的t区间）；比例以百分数表示。summary.csv 含未经舍入的相同统计量及标准差。",
    },
    "summary_differences": {"en": "Paired differences from {reference}", "zh": "与{reference}的配对差值"},
    "summary_differences_intro": {
        "en": "Taken run by run (same seed, same replicate): the mean difference and its 95% confidence interval; differences of shares are in percentage points.",
        "zh": "逐次配对（相同随机种子、相同重复序号）计算：差值均值及其95%置信区间；比例之差以百分点表示。",
    },
    "summary_sampled": {
        "en": "This is a {kind} design with {points} design points per scenario, so each cell is the mean over design points of each point's mean and, in brackets, the lowest and the highest point mean. summary.csv has every point; `mutualaid report` gives the sensitivity indices.",
        "zh": "本实验为{kind}设计，每个情景{points}个设计点，因此每格为各设计点均值的平均，方括号内为设计点均值的最小值与最大值。各设计点的结果见 summary.csv；敏感性指数见 `mutualaid report`。",
    },
    "group_participation": {"en": "Participation and coverage", "zh": "参与与需求覆盖"},
    "group_equity": {"en": "Equity", "zh": "公平性"},
    "group_cost": {"en": "Cost", "zh": "成本"},
    "group_social": {"en": "Social capital and wellbeing", "zh": "社会资本与福祉"},
    "group_half_lives": {"en": "How long gains last after interventions end", "zh": "干预结束后效果的持续时间"},
    "of_runs": {"en": "{k} of {n}", "zh": "{n}次中{k}次"},
    "defined_in": {"en": "{n} of {runs} runs", "zh": "{runs}次中{n}次"},
    "na": {"en": "n/a", "zh": "不适用"},
    "footnote_na": {
        "en": "¹ n/a: undefined in every run. A gain half-life exists only where an intervention ended during the run after raising active share, and half of that gain was lost before the run ended.",
        "zh": "¹ 不适用：在所有运行中均无定义。只有当干预在运行期间结束、此前提高了活跃参与比例、且该增益在运行结束前损失一半时，才有效果半衰期。",
    },
    "footnote_defined_in": {
        "en": "² Defined in only some runs (a half-life needs a gain that halved before the end, a collapse week a collapse); the mean and interval are over those runs.",
        "zh": "² 仅在部分运行中有定义（半衰期要求增益在结束前减半，崩溃周要求发生崩溃）；均值与区间只基于这些运行。",
    },
    "footnote_no_half_life": {
        "en": "No gain half-life is shown: interventions ended during some runs, but in none had they raised active share and then lost half of that gain before the run ended.",
        "zh": "未列出效果半衰期：部分运行中有干预结束，但没有一次运行在干预提高活跃参与比例后、于运行结束前损失该增益的一半。",
    },
    "footnote_point": {
        "en": "Each row is a scenario at one design point — one combination of the design's parameter values, named after the scenario; summary.csv numbers the points in its `point` column.",
        "zh": "每行为一个情景在一个设计点上的结果；设计点即实验设计中参数取值的一种组合，写在情景名之后；summary.csv 的 `point` 列为设计点编号。",
    },
    # notes
    "note_single_run": {
        "en": "This is the folder of a single run (`mutualaid run`), reported as an experiment of one scenario and one replicate: there are no confidence intervals and no comparisons. `mutualaid sweep` runs replicates and scenarios side by side.",
        "zh": "这是单次运行（`mutualaid run`）的结果文件夹，按一个情景、一次重复的实验报告：没有置信区间，也没有情景比较。如需重复运行与情景比较，请使用 `mutualaid sweep`。",
    },
    "note_collapsed": {
        "en": "Runs that collapsed (active share below 5% for 26 weeks in a row): {runs}.",
        "zh": "崩溃的运行（活跃参与比例连续26周低于5%）：{runs}。",
    },
    "note_no_spending": {
        "en": "No scenario spent money{at}, so there is no cost figure.",
        "zh": "没有情景产生支出{at}，因此不绘制成本图。",
    },
    "note_money_not_in_forest": {
        "en": "{reference} spends nothing, so the forest plot leaves out the budget spent and the cost per met need-hour (their difference from it would be each scenario's own cost); the cost figure shows them.",
        "zh": "{reference}没有支出，因此森林图不含总支出与每小时成本（与其之差即各情景自身的成本）；二者见成本图。",
    },
    "file_summary": {
        "en": "Readable summary: a table per group of metrics with a row per scenario, names, units and rounding; then the paired differences from the reference",
        "zh": "可读摘要：每组指标一张表、每个情景一行，含名称、单位与舍入；其后为与参照情景的配对差值",
    },
    "note_equity_data": {
        "en": "Equity is measured by the weekly `coverage_gap`: among residents with need that week, ranked by the neighbour and friend ties they held before the scheme (at the start of recording or on moving in), the pooled coverage of the best-connected quarter minus that of the least-connected quarter (which holds the isolated). The results folder stores only this difference, not the two quarters' coverages separately, so the report shows the gap; the per-resident tables (`agent_snapshots`) hold degree but not need or help received.",
        "zh": "公平性以每周的 `coverage_gap` 衡量：在当周有需求的居民中按互助开始前（记录开始或迁入时）的邻里与朋友关系数排序，关系最多的四分之一的合并覆盖率减去关系最少的四分之一（包括社会孤立者）的覆盖率。结果文件夹只保存这一差值，不分别保存两组的覆盖率，因此报告展示的是差距；居民快照（`agent_snapshots`）含关系数，但不含需求与受助量。",
    },
    "note_cost_undefined": {
        "en": "{count} run(s) spent money while no help flowed, so their cost per met need-hour is undefined; they are left out of its means.",
        "zh": "有{count}次运行有支出但没有任何互助发生，其每小时成本无定义，计算成本均值时未计入。",
    },
    "note_one_replicate": {
        "en": "With one replicate per scenario there are no confidence intervals.",
        "zh": "每个情景只有一次重复运行，无法给出置信区间。",
    },
    "note_replicates_few": {
        "en": "The replicate section needs at least 3 replicates; this experiment has {replicates}.",
        "zh": "重复次数分析至少需要3次重复，本实验只有{replicates}次。",
    },
    "note_sampled_design": {
        "en": "This is a {kind} design with {points} design points: scenario comparisons per design point are not drawn; see summary.csv of the results folder for every point.",
        "zh": "本实验为{kind}设计，共{points}个设计点：不绘制逐设计点的情景比较图；各设计点的结果见结果文件夹中的 summary.csv。",
    },
    "note_no_weekly": {
        "en": "The results folder holds no weekly metrics (`weekly_every = 0`), so time-series and equity-over-time figures are not drawn.",
        "zh": "结果文件夹不含周指标（`weekly_every = 0`），因此不绘制时间序列图与公平性随时间变化图。",
    },
    "note_sensitivity_mean": {
        "en": "Sensitivity indices are computed from each design point's mean over its successful replicates, matched to the sampler's rows by the point number; the sample matrix is regenerated from the manifest's SALib problem and checked against the stored points.",
        "zh": "敏感性指数基于每个设计点成功重复运行的均值计算，按设计点编号与采样矩阵的行对应；采样矩阵由 manifest 中的 SALib problem 重新生成，并与保存的设计点核对。",
    },
    "note_sensitivity_skipped": {
        "en": "Sensitivity of {output} in {scenario} not computed: {reason}.",
        "zh": "未计算{scenario}中{output}的敏感性：{reason}。",
    },
    "all_outputs": {"en": "every output", "zh": "全部输出指标"},
    "reason_missing_points": {
        "en": "{missing} of its {points} design points have no successful run, and the indices need every point (rerun them with `mutualaid sweep … --retry-failed`)",
        "zh": "其{points}个设计点中有{missing}个没有成功的运行，而指数需要全部设计点（可用 `mutualaid sweep … --retry-failed` 重新运行）",
    },
    "reason_constant": {"en": "the output is the same at every design point", "zh": "该输出在所有设计点上相同"},
    "reason_not_finite": {
        "en": "the output is undefined or infinite at some design point",
        "zh": "该输出在部分设计点上无定义或为无穷大",
    },
    "note_docs_missing": {
        "en": "{name} was not found next to the code ({path}); it is not copied.",
        "zh": "未在代码旁找到 {name}（{path}），未复制。",
    },
    "note_half_life_paired": {
        "en": "Gain half-lives are measured against the paired run of the reference scenario (same seed and design point): the gain is the difference in active share from that run, so ageing and diffusion that happen without the intervention are not counted as its loss. They are n/a for the reference scenario itself, and for every scenario when the weekly table was not kept (the pairing needs it).",
        "zh": "效果半衰期以参照情景的配对运行（相同种子与设计点）为基准：效果为与该运行活跃参与比例之差，因此没有干预也会发生的老龄化与扩散不计为效果的消退。参照情景本身的半衰期为 n/a；未保存每周数据时所有情景均为 n/a（配对需要每周数据）。",
    },
    "note_lhs": {
        "en": "Latin hypercube designs have no SALib analysis here; use summary.csv for the outputs at each point.",
        "zh": "拉丁超立方设计在此不做 SALib 分析；各设计点的输出见 summary.csv。",
    },
}


def _pick(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    return table[key][lang]


@dataclass(frozen=True)
class Labels:
    """The words of one language."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r} (known: {', '.join(LANGUAGES)})")

    def text(self, key: str, **values: object) -> str:
        return _pick(TEXT, key, self.lang).format(**values)

    def weekly(self, metric: str) -> str:
        return _pick(WEEKLY, metric, self.lang) if metric in WEEKLY else metric

    def run(self, metric: str) -> str:
        if metric.startswith(HALF_LIFE_PREFIX):
            return self.text("half_life", intervention=self.scenario(metric.removeprefix(HALF_LIFE_PREFIX)))
        if metric.startswith(STOP_WEEK_PREFIX):
            return self.text("stop_week", intervention=self.scenario(metric.removeprefix(STOP_WEEK_PREFIX)))
        return _pick(RUN, metric, self.lang) if metric in RUN else metric

    def scenario(self, name: str) -> str:
        return _pick(SCENARIOS, name, self.lang) if name in SCENARIOS else name

    def unit(self, metric: str, difference: bool = False) -> str:
        """The unit a metric is shown in (a difference of per cents is in percentage points)."""
        kind = unit_of(metric)
        if difference and kind == "percent":
            kind = "points"
        return _pick(UNITS, kind, self.lang)

    def parameter(self, path: str, unit: str) -> str:
        """``path (unit)``, an axis spanning a parameter: the path as written (what a
        reader looks up in parameters.md), its unit in this language."""
        shown = _pick(PARAMETER_UNITS, unit, self.lang) if unit in PARAMETER_UNITS else unit
        return self.text("parameter_with_unit", name=path, unit=shown)

    def with_unit(self, name: str, metric: str, difference: bool = False) -> str:
        """``name (unit)``: an axis or column label."""
        return self.text("with_unit", name=name, unit=self.unit(metric, difference))


def unit_of(metric: str) -> str:
    """The unit key of a weekly or per-run metric (a key of ``UNITS``)."""
    return "weeks" if metric.startswith((HALF_LIFE_PREFIX, STOP_WEEK_PREFIX)) else METRIC_UNITS[metric]


def scale_of(metric: str) -> float:
    """What a metric's stored values are multiplied by to be shown in its unit."""
    return SCALES.get(unit_of(metric), 1.0)


def all_strings(lang: str) -> list[str]:
    """Every fixed string of a language (for checking that a font has every glyph)."""
    return [entry[lang] for table in (WEEKLY, RUN, SCENARIOS, UNITS, PARAMETER_UNITS, TEXT) for entry in table.values()]
