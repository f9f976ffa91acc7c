"""Every word a report shows, in English and Chinese (简体中文).

A report speaks one language throughout: figure titles, axis labels, legends, table
headers and captions, and the index of the report folder. Three tables hold the words:

- ``WEEKLY``: the weekly metrics (``sim.submodels.observation.METRICS``);
- ``RUN``: the per-run sustainability metrics (``sim.metrics.sustainability``);
- ``TEXT``: every other string, some with ``{placeholders}``.

Scenario names are the experiment's own labels and are shown as written, except the
names of the model's settings and interventions (and the conventional ``baseline`` and
``full_package``), which ``SCENARIOS`` translates. Parameter paths
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
    "need_hours": {"en": "Need (hours/week)", "zh": "需求（小时/周）"},
    "met_hours": {"en": "Met need (hours/week)", "zh": "已满足需求（小时/周）"},
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
    "help_gini": {"en": "Gini of help received", "zh": "受助基尼系数"},
    "coverage_gap": {"en": "Coverage gap (best- minus least-connected quarter)",
                     "zh": "覆盖率差距（关系最多与最少的四分之一居民之差）"},
    "hours_per_active_member": {"en": "Hours per active resident (per week)", "zh": "活跃者人均服务时长（小时/周）"},
    "credits_outstanding": {"en": "Time-bank credits outstanding", "zh": "时间银行未兑付积分"},
    "budget_spent": {"en": "Budget spent, cumulative (yuan)", "zh": "累计支出（元）"},
    "exchanges": {"en": "Exchanges", "zh": "互助次数"},
    "dispute_rate": {"en": "Disputes per exchange", "zh": "每次互助的纠纷率"},
    "budget_balance": {"en": "Budget balance (yuan)", "zh": "资金余额（元）"},
    "interventions_running": {"en": "Interventions running", "zh": "实施中的干预数"},
    "redeemed_hours": {"en": "Hours redeemed from the time bank", "zh": "时间银行兑换时长（小时）"},
}

RUN: dict[str, dict[str, str]] = {
    "mean_coverage_last2y": {"en": "Coverage of need (last 2 years)", "zh": "需求覆盖率（最后两年）"},
    "mean_active_share_last2y": {"en": "Active share (last 2 years)", "zh": "活跃参与比例（最后两年）"},
    "mean_member_share_last2y": {"en": "Member share (last 2 years)", "zh": "会员比例（最后两年）"},
    "mean_willing_share_last2y": {"en": "Willing share (last 2 years)", "zh": "参与意愿比例（最后两年）"},
    "peak_active_share": {"en": "Peak active share", "zh": "活跃参与比例峰值"},
    "persistence": {"en": "Persistence (last 2 years / peak)", "zh": "持续性（最后两年/峰值）"},
    "collapsed": {"en": "Share of runs that collapsed", "zh": "崩溃运行的比例"},
    "collapse_week": {"en": "Week of collapse", "zh": "崩溃发生周"},
    "mean_coverage_gap_last2y": {"en": "Coverage gap (last 2 years)", "zh": "覆盖率差距（最后两年）"},
    "mean_help_gini_last2y": {"en": "Gini of help received (last 2 years)", "zh": "受助基尼系数（最后两年）"},
    "mean_generalized_trust_last2y": {"en": "Generalized trust (last 2 years)", "zh": "社会信任（最后两年）"},
    "mean_norm_authority_last2y": {"en": "Norm authority (last 2 years)", "zh": "规范权威（最后两年）"},
    "mean_lonely_share_last2y": {"en": "Lonely share (last 2 years)", "zh": "孤独者比例（最后两年）"},
    "mean_isolated_share_last2y": {"en": "Isolated share (last 2 years)", "zh": "社会孤立比例（最后两年）"},
    "hours_per_active_member_per_year": {"en": "Hours per active resident per year", "zh": "活跃者年人均服务时长（小时）"},
    "budget_spent": {"en": "Budget spent (yuan)", "zh": "总支出（元）"},
    "cost_per_met_hour": {"en": "Cost per met need-hour (yuan)", "zh": "每小时已满足需求的成本（元）"},
}

HALF_LIFE_PREFIX = "gain_half_life_"
"""Run metrics named ``gain_half_life_<intervention>`` take their label from ``TEXT["half_life"]``."""

SCENARIOS: dict[str, dict[str, str]] = {
    "baseline": {"en": "baseline", "zh": "基线"},
    "full_package": {"en": "full_package", "zh": "综合方案"},
    "new_estate": {"en": "new_estate", "zh": "新建商品房小区"},
    "old_estate": {"en": "old_estate", "zh": "老旧小区"},
    "rural_village": {"en": "rural_village", "zh": "农村社区"},
    "activities": {"en": "activities", "zh": "社区活动"},
    "platform": {"en": "platform", "zh": "信息交互平台"},
    "supervision": {"en": "supervision", "zh": "专业监督机构"},
    "norm_revision": {"en": "norm_revision", "zh": "规范修订小组"},
    "infrastructure": {"en": "infrastructure", "zh": "活动中心与适老化改造"},
    "targeted_support": {"en": "targeted_support", "zh": "一对一帮扶"},
    "time_bank": {"en": "time_bank", "zh": "时间银行"},
    "incentives": {"en": "incentives", "zh": "激励措施"},
    "professional_services": {"en": "professional_services", "zh": "医养结合专业服务"},
    "funding": {"en": "funding", "zh": "资金"},
}

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
    "sobol_index": {"en": "Sobol' index", "zh": "Sobol'指数"},
    "mu_star": {"en": "μ* (mean |elementary effect|)", "zh": "μ*（基本效应绝对值的均值）"},
    "sigma": {"en": "σ (SD of elementary effects)", "zh": "σ（基本效应的标准差）"},
    "elementary_effect": {"en": "Elementary effect (output change over the parameter's range)",
                          "zh": "基本效应（参数取遍其范围时输出的变化）"},
    "half_life": {"en": "Half-life of the {intervention} gain (weeks)", "zh": "{intervention}效果半衰期（周）"},
    # figure titles
    "title_timeseries": {"en": "Weekly metrics by scenario: mean and 95% CI over replicates",
                         "zh": "各情景的周指标：重复运行的均值与95%置信区间"},
    "title_forest": {"en": "Paired effects on sustainability relative to {reference} (mean difference, 95% CI)",
                     "zh": "相对于{reference}的配对效应（均值差与95%置信区间）"},
    "title_equity": {"en": "Equity: coverage of the best- versus the least-connected residents",
                     "zh": "公平性：关系最多与最少居民的需求覆盖率差距"},
    "title_cost": {"en": "Cost per met need-hour against sustainability (mean, 95% CI)",
                   "zh": "每小时已满足需求的成本与可持续性（均值与95%置信区间）"},
    "title_replicates": {"en": "Precision as replicates are added (in seed order)",
                         "zh": "精度随重复次数增加的变化（按种子顺序）"},
    "title_sobol": {"en": "Sobol' indices with 95% CI: {scenario}", "zh": "Sobol'指数及95%置信区间：{scenario}"},
    "title_morris": {"en": "Morris elementary effects, μ* with 95% CI: {scenario}",
                     "zh": "Morris基本效应（μ*及95%置信区间）：{scenario}"},
    "at_point": {"en": "design point {point}: {values}", "zh": "设计点{point}：{values}"},
    "equity_over_time": {"en": "Over time", "zh": "随时间变化"},
    # table captions
    "caption_sustainability": {"en": "Sustainability, equity and cost per scenario: mean, SD and 95% CI over {n} replicates.",
                               "zh": "各情景的可持续性、公平性与成本指标：{n}次重复运行的均值、标准差与95%置信区间。"},
    "caption_effects": {"en": "Paired differences from {reference} (same seed, replicate by replicate): mean, SD and 95% CI.",
                        "zh": "与{reference}的配对差值（相同随机种子逐次配对）：均值、标准差与95%置信区间。"},
    "caption_replicates": {"en": "95% CI half-width of each scenario's mean (in parentheses: coefficient of variation) with the first n replicates in seed order.",
                           "zh": "按种子顺序取前n次重复时各情景均值的95%置信区间半宽（括号内为变异系数）。"},
    "caption_sobol": {"en": "Sobol' first-order (S1) and total-order (ST) indices with 95% bootstrap CIs.",
                      "zh": "Sobol'一阶指数（S1）与总效应指数（ST）及其95% bootstrap置信区间。"},
    "caption_morris": {"en": "Morris screening: μ* with 95% bootstrap CI, and σ.",
                       "zh": "Morris筛选：μ*及其95% bootstrap置信区间，以及σ。"},
    # the report's index (README.md)
    "index_title": {"en": "Report: {name}", "zh": "报告：{name}"},
    "index_intro": {"en": "Generated by `{command}` on {created} from the results folder `{results}`.",
                    "zh": "由 `{command}` 于 {created} 根据结果文件夹 `{results}` 生成。"},
    "index_experiment": {"en": "Experiment", "zh": "实验"},
    "index_description": {"en": "Description", "zh": "说明"},
    "index_design": {"en": "Design", "zh": "实验设计"},
    "design_text": {"en": "{kind}, {points} design point(s)", "zh": "{kind}，{points}个设计点"},
    "index_runs": {"en": "Runs", "zh": "运行"},
    "index_runs_text": {"en": "{ok} ok, {failed} failed, {pending} pending of {total} ({scenarios} scenarios × {points} design points × {replicates} replicates)",
                        "zh": "共{total}次，成功{ok}次，失败{failed}次，未完成{pending}次（{scenarios}个情景 × {points}个设计点 × {replicates}次重复）"},
    "index_reference": {"en": "Reference scenario", "zh": "参照情景"},
    "index_code": {"en": "Code that produced the results", "zh": "生成结果的代码版本"},
    "index_code_report": {"en": "Code that produced this report", "zh": "生成本报告的代码版本"},
    "index_code_differs": {"en": "The docs copied here describe the code of this report, which differs from the code of the sweep.",
                           "zh": "此处复制的文档对应生成本报告的代码，与运行实验时的代码版本不同。"},
    "index_files": {"en": "Files", "zh": "文件"},
    "index_file": {"en": "File", "zh": "文件"},
    "index_what": {"en": "What it is", "zh": "内容"},
    "index_notes": {"en": "Notes", "zh": "说明事项"},
    "index_formats": {"en": "Each figure is written as {formats} (PNG at {dpi} dpi).",
                      "zh": "每幅图均保存为 {formats} 格式（PNG 分辨率 {dpi} dpi）。"},
    "index_latex": {"en": "LaTeX tables need `\\usepackage{{booktabs,longtable}}`.",
                    "zh": "LaTeX 表格需要 `\\usepackage{{booktabs,longtable}}`，中文需用 XeLaTeX 并加载 `xeCJK` 或 `ctex`。"},
    "file_readme": {"en": "This index", "zh": "本索引"},
    "file_provenance": {"en": "Provenance: the resolved experiment (scenarios, design, SALib problem, seeds), the sweep's versions, git commit, command lines and sessions, and the same for this report",
                        "zh": "来源信息：解析后的实验（情景、设计、SALib problem、随机种子），实验运行的软件版本、git 提交、命令行与各次会话，以及本报告的相应信息"},
    "file_odd": {"en": "The model description (ODD+D), copied from docs/odd.md", "zh": "模型描述（ODD+D），复制自 docs/odd.md"},
    "file_parameters": {"en": "Every parameter with meaning, unit, default, range and provenance, copied from docs/parameters.md",
                        "zh": "全部参数（含义、单位、默认值、取值范围与来源），复制自 docs/parameters.md"},
    "file_timeseries": {"en": "Time series of key weekly metrics per scenario, mean and 95% CI band over replicates",
                        "zh": "各情景主要周指标的时间序列，重复运行的均值及95%置信带"},
    "file_forest": {"en": "Forest plot: each scenario's paired effect on the sustainability metrics relative to the reference, with 95% CI",
                    "zh": "森林图：各情景相对于参照情景对可持续性指标的配对效应及95%置信区间"},
    "file_equity": {"en": "Equity: coverage gap between the best- and least-connected quarter of residents with need, over time and in the last 2 years, with the Gini of help received",
                    "zh": "公平性：有需求居民中关系最多与最少的四分之一之间的覆盖率差距（随时间变化及最后两年），以及受助基尼系数"},
    "file_cost": {"en": "Cost per met need-hour against mean active share and coverage, one point per scenario with 95% CIs",
                  "zh": "每小时已满足需求的成本与平均活跃比例及覆盖率的关系，每个情景一个点及95%置信区间"},
    "file_replicates": {"en": "95% CI half-width and coefficient of variation of the main sustainability metrics as replicates are added in seed order",
                        "zh": "按种子顺序增加重复次数时主要可持续性指标的95%置信区间半宽与变异系数"},
    "file_sobol": {"en": "Sobol' first-order and total-order indices with 95% CIs, per output", "zh": "各输出指标的Sobol'一阶与总效应指数及95%置信区间"},
    "file_morris": {"en": "Morris μ* with 95% CI and σ, per output", "zh": "各输出指标的Morris μ*（含95%置信区间）与σ"},
    "file_sustainability": {"en": "Per scenario (and design point): n, mean, SD and 95% CI of every per-run metric",
                            "zh": "各情景（及设计点）每个运行指标的n、均值、标准差与95%置信区间"},
    "file_effects": {"en": "Paired differences from the reference scenario: n pairs, mean, SD, 95% CI",
                     "zh": "与参照情景的配对差值：配对数、均值、标准差、95%置信区间"},
    "file_replicates_table": {"en": "CI half-width, relative half-width and CV for n = 1 … replicates (CSV: every n; LaTeX: selected n)",
                              "zh": "n = 1 … 重复次数时的置信区间半宽、相对半宽与变异系数（CSV 含全部 n，LaTeX 为选定的 n）"},
    "file_timeseries_table": {"en": "The data behind the time-series figures: per scenario, week and metric, n, mean, SD and 95% CI",
                              "zh": "时间序列图的数据：各情景、周与指标的n、均值、标准差与95%置信区间"},
    "file_runs": {"en": "One row per run: id, scenario, design point and values, replicate, seed, status, per-run metrics",
                  "zh": "每次运行一行：编号、情景、设计点及参数值、重复序号、随机种子、状态与运行指标"},
    "file_sensitivity_table": {"en": "Sensitivity indices per scenario, output and parameter", "zh": "各情景、输出指标与参数的敏感性指数"},
    "file_sensitivity_second": {"en": "Sobol' second-order indices per pair of parameters", "zh": "参数两两之间的Sobol'二阶指数"},
    "file_sensitivity_outputs": {"en": "Per scenario and output: design points, replicates averaged per point, mean, SD, and the share of the output's variance that is replicate noise",
                                 "zh": "各情景与输出指标：设计点数、每点平均的重复次数、均值、标准差，以及输出方差中来自重复随机性的比例"},
    # notes
    "note_equity_data": {"en": "Equity is measured by the weekly `coverage_gap`: among residents with need that week, ranked by number of ties, the pooled coverage of the best-connected quarter minus that of the least-connected quarter (which holds the isolated). The results folder stores only this difference, not the two quarters' coverages separately, so the report shows the gap; the per-resident tables (`agent_snapshots`) hold degree but not need or help received.",
                         "zh": "公平性以每周的 `coverage_gap` 衡量：在当周有需求的居民中按关系数排序，关系最多的四分之一的合并覆盖率减去关系最少的四分之一（包括社会孤立者）的覆盖率。结果文件夹只保存这一差值，不分别保存两组的覆盖率，因此报告展示的是差距；居民快照（`agent_snapshots`）含关系数，但不含需求与受助量。"},
    "note_cost_undefined": {"en": "{count} run(s) spent money while no help flowed, so their cost per met need-hour is undefined; they are left out of its means.",
                            "zh": "有{count}次运行有支出但没有任何互助发生，其每小时成本无定义，计算成本均值时未计入。"},
    "note_one_replicate": {"en": "With one replicate per scenario there are no confidence intervals.",
                           "zh": "每个情景只有一次重复运行，无法给出置信区间。"},
    "note_replicates_few": {"en": "The replicate section needs at least 3 replicates; this experiment has {replicates}.",
                            "zh": "重复次数分析至少需要3次重复，本实验只有{replicates}次。"},
    "note_sampled_design": {"en": "This is a {kind} design with {points} design points: scenario comparisons per design point are not drawn; see summary.csv of the results folder for every point.",
                            "zh": "本实验为{kind}设计，共{points}个设计点：不绘制逐设计点的情景比较图；各设计点的结果见结果文件夹中的 summary.csv。"},
    "note_no_weekly": {"en": "The results folder holds no weekly metrics (`weekly_every = 0`), so time-series and equity-over-time figures are not drawn.",
                       "zh": "结果文件夹不含周指标（`weekly_every = 0`），因此不绘制时间序列图与公平性随时间变化图。"},
    "note_sensitivity_mean": {"en": "Sensitivity indices are computed from each design point's mean over its successful replicates, matched to the sampler's rows by the point number; the sample matrix is regenerated from the manifest's SALib problem and checked against the stored points.",
                              "zh": "敏感性指数基于每个设计点成功重复运行的均值计算，按设计点编号与采样矩阵的行对应；采样矩阵由 manifest 中的 SALib problem 重新生成，并与保存的设计点核对。"},
    "note_sensitivity_skipped": {"en": "Sensitivity of {output} in {scenario} not computed: {reason}.",
                                 "zh": "未计算{scenario}中{output}的敏感性：{reason}。"},
    "all_outputs": {"en": "every output", "zh": "全部输出指标"},
    "reason_missing_points": {"en": "{missing} of its {points} design points have no successful run, and the indices need every point (rerun them with `mutualaid sweep … --retry-failed`)",
                              "zh": "其{points}个设计点中有{missing}个没有成功的运行，而指数需要全部设计点（可用 `mutualaid sweep … --retry-failed` 重新运行）"},
    "reason_constant": {"en": "the output is the same at every design point", "zh": "该输出在所有设计点上相同"},
    "reason_not_finite": {"en": "the output is undefined or infinite at some design point", "zh": "该输出在部分设计点上无定义或为无穷大"},
    "note_docs_missing": {"en": "{name} was not found next to the code ({path}); it is not copied.",
                          "zh": "未在代码旁找到 {name}（{path}），未复制。"},
    "note_lhs": {"en": "Latin hypercube designs have no SALib analysis here; use summary.csv for the outputs at each point.",
                 "zh": "拉丁超立方设计在此不做 SALib 分析；各设计点的输出见 summary.csv。"},
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
        return _pick(RUN, metric, self.lang) if metric in RUN else metric

    def scenario(self, name: str) -> str:
        return _pick(SCENARIOS, name, self.lang) if name in SCENARIOS else name


def all_strings(lang: str) -> list[str]:
    """Every fixed string of a language (for checking that a font has every glyph)."""
    return [entry[lang] for table in (WEEKLY, RUN, SCENARIOS, TEXT) for entry in table.values()]
