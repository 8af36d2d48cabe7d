"""Anchors (names and numbers) and the judge's anchor evidence, for languages the encoder
lacks (issue 15). Table-driven: a threshold change shows which case it moves."""

from __future__ import annotations

import numpy as np
import pytest

from wiretrace.align.anchors import anchor_alignment, anchor_run
from wiretrace.bench.languages import LANGUAGES, to_cyrillic, translated
from wiretrace.data import Article
from wiretrace.judge import alignment_basis, anchor_evidence, decide, load_thresholds
from wiretrace.prepare import prepared
from wiretrace.text.anchors import anchors, number_key, same_script, skeleton


@pytest.mark.parametrize(("raw", "key"), [
    ("2,300", "2300"), ("2.300", "2300"), ("1,250,000", "1250000"), ("5.5", "5.5"),
    ("5,5", "5.5"), ("2021", "2021"), ("07", None), ("7", None), ("12", "12"),
])
def test_number_key_reads_every_language_s_separators(raw: str, key: str | None) -> None:
    assert number_key(raw) == key


def test_anchors_in_order_with_names_transliterated() -> None:
    assert anchors("Blinken met Qin in Beijing; 2,300 people came.") == (
        "n:blinken", "n:qin", "n:beijing", "#:2300")
    # Cyrillic names come out in Latin letters; lower-case words are not anchors
    assert anchors("Блинкен је рекао да 2.300 људи") == ("n:blinken", "#:2300")


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("Washington", "Васхингтон"), ("Blinken", "Блинкен"), ("Tsipras", "Ципрас"),
    ("Secretary", "Секретар"),
])
def test_skeletons_meet_across_scripts(latin: str, cyrillic: str) -> None:
    assert skeleton(anchors(latin)[0]) == skeleton(anchors(cyrillic)[0])


def test_cognate_place_names_count_as_the_source_s() -> None:
    from wiretrace.align.anchors import anchor_matrix

    m, kq, _, _ = anchor_matrix([["n:parizo", "n:somalio", "n:blinken"]],
                                [["n:paris", "n:somalia", "n:biden"]])
    assert kq[0] == {"n:paris", "n:somalia", "n:blinken"}  # Blinken is not Biden
    m, kq, _, _ = anchor_matrix([["n:parizo"]], [["n:paris"]], cognates=1.0)
    assert kq[0] == {"n:parizo"} and m[0, 0] == 0


def test_skeleton_keeps_different_names_apart() -> None:
    assert skeleton("n:blinken") != skeleton("n:biden")
    assert skeleton("#:2300") == "#:2300"


def test_script_of_two_texts() -> None:
    assert same_script("Blinken met Qin.", "Blinken conoció a Qin.")
    assert not same_script("Blinken met Qin.", "Блинкен је срео Ћина.")


EN = [
    "Antony Blinken met Qin Gang in Beijing on Sunday.",
    "The talks lasted 5.5 hours, the State Department said.",
    "Blinken invited Qin to Washington, where 2,300 delegates meet in 2024.",
    "Xi Jinping received Blinken on Monday at the Great Hall.",
    "Wang Yi said relations were at a low point.",
]
# one-way translation: every sentence in order, names and numbers kept
GL = [
    "Antony Blinken coñeceu a Qin Gang en Beijing o domingo.",
    "As charlas duraron 5,5 horas, dixo o Departamento de Estado.",
    "Blinken invitou a Qin a Washington, onde 2.300 delegados reúnense en 2024.",
    "Xi Jinping recibiu a Blinken o luns no Gran Salón.",
    "Wang Yi dixo que as relacións estaban nun punto baixo.",
]
# an independent report in the same language: the same people, other sentences and numbers
GL_OTHER = [
    "Blinken e Qin falaron durante horas.",
    "O ministro chinés Qin dixo que Washington debe cambiar.",
    "Blinken chegou a Beijing nunha visita de dous días.",
    "Analistas en Beijing e Washington esperan pouco.",
    "A visita de Blinken foi aprazada en febreiro.",
]


def _run(copy: list[str], source: list[str], diagonal: float,
         **change: float) -> tuple[int, int]:
    """The anchor run, with the encoder's cosine ``diagonal`` on sentence i <-> i (it
    reads a little of many languages) and 0.2 elsewhere."""
    t = {**load_thresholds()["anchors"], **change}
    sem = np.full((len(copy), len(source)), 0.2, dtype=np.float32)
    np.fill_diagonal(sem, diagonal)
    pairs = anchor_alignment([anchors(s) for s in copy], [anchors(s) for s in source], sem, t)
    run = anchor_run(pairs)
    return len(run), len({a for p in run for a in p.shared})


def test_a_translation_keeps_a_run_of_anchored_passages() -> None:
    t = load_thresholds()["anchors"]
    run, distinct = _run(GL, EN, diagonal=0.55)
    assert (run, distinct) == (5, 14)
    # neither the encoder nor the cognate "departamento" -> "department" helps: the pair
    # sharing only 5.5 drops out, and the run goes on over the one-passage gap
    assert _run(GL, EN, diagonal=0.2, cognates=1.0) == (4, 12)
    assert t["run"] <= 4


def test_an_independent_report_naming_the_same_people_makes_no_run() -> None:
    run, distinct = _run(GL_OTHER, EN, diagonal=0.55)
    t = load_thresholds()["anchors"]
    assert run < t["run"] or distinct < t["run_distinct"]


def _article(id_: str, sentences: list[str], language: str) -> Article:
    a = prepared(Article(id=id_, text="\n\n".join(sentences)))
    a.language = language
    return a


@pytest.mark.parametrize(("lq", "lc", "basis"), [
    ("gl", "en", "anchors"), ("sr", "en", "anchors"), ("en", "eo", "anchors"),
    ("es", "en", "meaning"), (None, "en", "meaning"),
    # labelled English, but CLD2 reads the text as Galician: the labels do not make it one
    ("en", "en", "anchors"),
])
def test_alignment_basis_by_the_encoder_s_languages(lq: str | None, lc: str, basis: str) -> None:
    q, c = _article("q", GL, "x"), _article("c", EN, "en")
    q.language, c.language = lq, lc
    assert alignment_basis(q, c) == basis


def _features(**kw: float | str) -> dict:
    f = {"copy_passages": 5, "strong_pairs": 0, "strong_coverage": 0.0, "names_shared": 0.5,
         "soft_coverage": 0.0, "cross_language": 1.0, "alignment_basis": "anchors",
         "anchor_run": 5, "anchor_run_distinct": 10, "anchor_coverage": 1.0,
         "anchor_run_shared": ["blinken", "qin"]}
    f.update(kw)
    return f


@pytest.mark.parametrize(("change", "kind"), [
    ({}, "translated"),
    ({"alignment_basis": "meaning"}, "independent"),  # the encoder's languages: meaning only
    ({"anchor_run": 2}, "independent"),
    ({"anchor_run_distinct": 3}, "independent"),
    ({"anchor_run_distinct": 7}, "independent"),
    # no run of 4, but passages in order sharing many anchors over most of the copy
    ({"anchor_run": 2, "anchor_ordered": 3, "anchor_ordered_distinct": 10,
      "anchor_coverage": 0.6}, "translated"),
    ({"anchor_run": 2, "anchor_ordered": 2, "anchor_ordered_distinct": 10,
      "anchor_coverage": 0.6}, "independent"),
    ({"anchor_run": 2, "anchor_ordered": 3, "anchor_ordered_distinct": 9,
      "anchor_coverage": 0.6}, "independent"),
    ({"anchor_run": 2, "anchor_ordered": 3, "anchor_ordered_distinct": 10,
      "anchor_coverage": 0.59}, "independent"),
])
def test_decide_on_anchor_evidence(change: dict, kind: str) -> None:
    f = _features(**change)
    assert decide(f)[0] == kind
    assert bool(anchor_evidence(_features(**change), load_thresholds())) == (kind == "translated")


def test_cyrillic_writing_of_serbo_croatian() -> None:
    assert to_cyrillic("Blinken je rekao Wang Yi") == "Блинкен је рекао Ванг Ји"


def test_translated_copy_keeps_passages_in_order_and_names_its_source() -> None:
    src = prepared(Article(id="s1", text="\n\n".join(EN), title="Blinken in Beijing"))
    lang = next(x for x in LANGUAGES if x.code == "sr-Cyrl")
    calls: list[str] = []

    def fake(units: list[str], mode: str) -> list[str]:
        calls.append(mode)
        return [u.upper() for u in units]

    out = translated(src, lang, fake)
    assert calls == ["eng-hbs"]
    assert out.meta == {"source": "s1", "language": "sr-Cyrl"}
    assert out.id == "s1~sr-Cyrl"
    assert out.text.split("\n\n")[0] == to_cyrillic(EN[0].upper())
    assert out.title == to_cyrillic("BLINKEN IN BEIJING")


def test_entity_terms_key_other_scripts_and_dotted_thousands_as_english_does() -> None:
    from wiretrace.fingerprint import entity_terms

    en = set(entity_terms("Antony Blinken said 2,300 delegates came."))
    sr = set(entity_terms("Антони Блинкен је рекао да је дошло 2.300 делегата."))
    assert {"n:blinken", "#:2300"} <= en & sr
    # an English text's terms do not change: no transliteration, no dotted thousands in it
    assert en == {"n:antony", "n:blinken", "#:2300"}


# My own Esperanto rendering of EN, sentence by sentence (Esperanto is not one of the
# encoder's languages), and of an independent report naming the same people.
EO = [
    "Antony Blinken renkontis Qin Gang en Beijing dimanĉe.",
    "La paroladoj daŭris 5,5 horojn, diris la Ŝtata Departemento.",
    "Blinken invitis Qin al Washington, kie 2.300 delegitoj kunvenos en 2024.",
    "Xi Jinping akceptis Blinken lundon en la Granda Halo.",
    "Wang Yi diris, ke la rilatoj estas ĉe malalta punkto.",
    "Blinken flugos al Londono post la vizito, kie li renkontos Rishi Sunak.",
]
EN_FULL = [*EN, "Blinken flies to London after the visit, where he will meet Rishi Sunak."]
EO_OTHER = [
    "Blinken kaj Qin parolis dum horoj en Beijing.",
    "Ĉina ministro Qin diris, ke Washington devas ŝanĝi sian politikon.",
    "Blinken alvenis al Beijing por dutaga vizito, la unua ekde 2018.",
    "Analizistoj en Beijing kaj Washington atendas malmulton de la vizito.",
    "La vizito de Blinken estis prokrastita en februaro post la balono.",
    "Xi Jinping ne komentis pri la vizito.",
]


@pytest.fixture(scope="module")
def engine_en(tmp_path_factory: pytest.TempPathFactory):
    from wiretrace.engine import Wiretrace

    wt = Wiretrace(tmp_path_factory.mktemp("anchors-store"))
    wt.add([Article(id="en-wire", text="\n\n".join(EN_FULL), title="Blinken meets Qin"),
            Article(id="en-other", text="\n\n".join([
                "Stocks rose in Tokyo on Monday as the yen fell against the dollar.",
                "The Nikkei gained 1.2 percent, led by exporters such as Toyota.",
                "Traders said the Bank of Japan would keep rates unchanged in March.",
                "Oil prices were steady at 74 dollars a barrel in Asian trade.",
            ]))])
    return wt


def test_an_esperanto_translation_is_traced_by_its_anchors(engine_en) -> None:
    from wiretrace.report.model import trace_report
    from wiretrace.report.terminal import render_text

    res = engine_en.trace(Article(id="eo-copy", text="\n\n".join(EO)))
    assert res.article.language == "eo"
    assert [r.source_id for r in res.sources] == ["en-wire"]
    rel = res.sources[0]
    assert rel.kind == "translated"
    assert rel.features["alignment_basis"] == "anchors"
    assert rel.features["proved_by"] == "anchors"
    assert rel.features["anchor_run"] >= 4
    assert "blinken" in rel.features["anchor_run_shared"]
    report = trace_report(res, engine_en.store.get)
    assert "aligned by  names and numbers in order" in render_text(report)
    from wiretrace.report.html import render_body

    page = render_body(report, engine_en.store.get)
    assert "<dt>aligned by</dt><dd>names and numbers in order" in page
    assert "<dt>proof of reuse</dt><dd>" in page


def test_an_esperanto_report_naming_the_same_people_is_not_a_copy(engine_en) -> None:
    res = engine_en.trace(Article(id="eo-other", text="\n\n".join(EO_OTHER)))
    assert res.sources == []
    wire = next(r for r in res.relations if r.source_id == "en-wire")
    assert wire.features["alignment_basis"] == "anchors"
    assert wire.kind == "independent"


@pytest.mark.parametrize(("passages", "semantic", "cross", "shared", "kind"), [
    (1, 0.75, 1.0, 0, "independent"),  # one translated sentence alike at the cross-language bar
    (1, 0.82, 1.0, 0, "translated"),  # ... clearing the one-language bar
    # one language: the sentence must share running words with its source
    (1, 0.75, 0.0, 12, "verbatim"),
    (1, 0.75, 0.0, 0, "independent"),
])
def test_one_pair_across_languages_needs_the_one_language_bar(
        passages: int, semantic: float, cross: float, shared: int, kind: str) -> None:
    f = {"copy_passages": passages, "strong_pairs": 1, "strong_coverage": 1.0,
         "shared_run_words": shared,
         "semantic": semantic, "cross_language": cross, "names_shared": 0.5,
         "soft_coverage": 0.0, "coverage_source_words": 1.0, "contiguous": 1.0,
         "changed_words": 0.0, "added_sentences": 0, "content_overlap": 1.0,
         "function_words": 1.0}
    assert decide(f)[0] == kind


HR = ("Ministar je u nedjelju rekao da će se pregovori nastaviti sljedeći tjedan u glavnom "
      "gradu. Vlada je odlučila povećati plaće liječnicima i učiteljima od prvog dana "
      "sljedećeg mjeseca. Oporba tvrdi da zemlja nema dovoljno novca za takve odluke.")
EN_PLAIN = ("The minister said on Sunday that talks would resume next week in the capital. The "
            "government decided to raise the pay of doctors and teachers from the first day of "
            "next month. The opposition says the country cannot afford such decisions and wants "
            "a new election. Officials said the plan would cost more than expected.")


def test_language_mix_reads_a_half_translated_text() -> None:
    from wiretrace.text.lang import language_mix

    assert language_mix(EN_PLAIN)[0][0] == "en"
    mixed = dict(language_mix(f"{EN_PLAIN} {HR}"))
    assert mixed.get("hr", 0) >= 20 and mixed.get("en", 0) >= 20
    assert language_mix("") == () and language_mix("12 34") == ()


@pytest.mark.parametrize(("copy_text", "basis"), [
    (f"{EN_PLAIN} {HR}", "anchors"),  # labelled English, a large part in Croatian
    (EN_PLAIN, "meaning"),
])
def test_a_mixed_text_is_aligned_by_anchors(copy_text: str, basis: str) -> None:
    """A translator that leaves many source words standing makes a page CLD2 calls by its
    larger part: both texts "en", yet the encoder cannot read the rest."""
    q = Article(id="q", text=copy_text, language="en")
    c = Article(id="c", text=EN_PLAIN.replace("Sunday", "Monday"), language="en")
    assert alignment_basis(q, c) == basis
    assert alignment_basis(c, q) == basis


# English function words around Serbo-Croatian content words: what a rule-based translator
# leaves when it knows the grammar words and not the rest (written for this test)
HALF = ("Glumica je finalno provjeriti into the rehab centar at kasno četvrtak, after the "
        "sud odluka and the pravnik rekao to novinari that ona biti dobro. The obitelj "
        "zahvaliti the navijači for the podrška in ovaj težak vrijeme.")


def test_unknown_english_reads_a_text_english_news_never_writes() -> None:
    from wiretrace.text.lang import unknown_english

    assert unknown_english(EN_PLAIN) < 0.1
    assert unknown_english(HALF) >= 0.4
    assert unknown_english("") == 0.0


@pytest.mark.parametrize(("copy_text", "basis"), [(HALF, "anchors"), (EN_PLAIN, "meaning")])
def test_a_text_labelled_english_but_not_read_as_english_is_aligned_by_anchors(
        copy_text: str, basis: str) -> None:
    q = Article(id="q", text=copy_text, language="en")
    c = Article(id="c", text=EN_PLAIN.replace("Sunday", "Monday"), language="en")
    assert alignment_basis(q, c) == basis
