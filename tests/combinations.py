"""The combinations of answers the matrix renders: two named ones, and a pairwise set generated from the prompts.

The pairwise cells give every pair of answers to any two choice prompts at least once, among the answers the
pre-generation hook accepts (test_matrix.py checks that against cookiecutter.json and the hook). allpairspy
generates them, deterministically, around the named combinations: a pair that a named one already renders
needs no generated cell. Answers not given are the template's defaults; a generated cell gives every one of
the prompts it pairs. docs/testing.md says how to add a prompt or a choice.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from allpairspy import AllPairs

from harness import pre_gen_hook
from harness.rendering import choices_by_prompt, prompts


@dataclass(frozen=True)
class Combination:
    """A set of answers with a name that says what it is for; the name is the pytest id."""

    name: str
    answers: dict[str, Any] = field(default_factory=dict)

    def resolved(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """Every prompt's answer: this combination's, else the template's default."""
        return {**defaults, **self.answers}

    @property
    def summary(self) -> str:
        """The answers on one line, for failure messages: `auth_role=client_service token_transport=both ...`."""
        given = " ".join(f"{prompt}={answer}" for prompt, answer in self.answers.items())
        return f"{self.name} ({given or 'the default answers'})"


def matrix_choices() -> dict[str, tuple[Any, ...]]:
    """The prompts the matrix pairs, each with the answers it tries, in the order of cookiecutter.json: every
    choice prompt, and signing_algorithm, a text prompt (its default follows auth_role) that the hook holds to
    its SIGNING_ALGORITHMS."""
    listed = {**choices_by_prompt(), "signing_algorithm": list(pre_gen_hook.load().SIGNING_ALGORITHMS)}
    return {prompt: tuple(listed[prompt]) for prompt in prompts() if prompt in listed}


NAMED_COMBINATIONS = (
    # What `cookiecutter --no-input` renders, and what the README's demo serves.
    Combination("defaults"),
    # Long names and quotes inside the text answers: these land in Python and TOML string literals,
    # in long lines that ruff format might want to wrap, and in the README's title.
    Combination(
        "long-names-and-apostrophes",
        {
            "project_name": "Northwind Traders Partner Authentication Gateway for Regional Subsidiaries",
            # The longest package name the pre-generation hook accepts.
            "project_slug": "northwind_partners_auth_gateways",
            "description": "The partners' single sign-on: it's where each subsidiary's apps get their tokens.",
            "author_name": "Siobhán O'Connor-Ní Bhriain",
            "email": "siobhan.oconnor@partners.example.org",
            "domain_name": "auth.partners.example.org",
            "timezone": "America/Argentina/Buenos_Aires",
            "signing_algorithm": "EdDSA",
            "token_transport": "cookie",
            "use_password_login": "n",
            "use_email_code_login": "n",
            "use_password_then_email_code": "y",
        },
    ),
    # Social login with tokens in cookies: no pairwise cell gives it, as a client_service has no social app.
    Combination("social-login-cookie", {"token_transport": "cookie", "use_social_login": "y"}),
)


Pair = tuple[tuple[str, Any], tuple[str, Any]]


def missing_pairs(answer_sets: Sequence[dict[str, Any]], choices: dict[str, tuple[Any, ...]]) -> list[Pair]:
    """The pairs of answers to two of the `choices` prompts that no answer set holds and the hook accepts in
    some completion; a pair it refuses in every one (HS256 with auth_service, say) needs no cell."""
    return [
        ((first, first_answer), (second, second_answer))
        for first, second in itertools.combinations(choices, 2)
        for first_answer, second_answer in itertools.product(choices[first], choices[second])
        if not any(answers[first] == first_answer and answers[second] == second_answer for answers in answer_sets)
        and pre_gen_hook.can_be_accepted({first: first_answer, second: second_answer}, choices)
    ]


def pairwise_cells(
    choices: dict[str, tuple[Any, ...]], previously_tested: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """allpairspy's cells for the pairs that `previously_tested` does not render, each one the hook accepts."""

    def acceptable(answers: Sequence[Any]) -> bool:
        # allpairspy asks about each partial cell as it fills it in, prompt by prompt: keep a partial cell
        # only if the hook accepts some way of completing it.
        return pre_gen_hook.can_be_accepted(dict(zip(choices, answers, strict=False)), choices)

    tested = [[answers[prompt] for prompt in choices] for answers in previously_tested]
    return [cell._asdict() for cell in AllPairs(OrderedDict(choices), acceptable, previously_tested=tested)]


def pairwise_combinations(named: Sequence[Combination]) -> tuple[Combination, ...]:
    """The cells that render every acceptable pair the `named` combinations do not, named
    `pairwise-NN-<auth_role>-<signing_algorithm>-<token_transport>` in the order allpairspy gives them."""
    choices = matrix_choices()
    rendered = [pre_gen_hook.cookiecutter_answers(combination.answers) for combination in named]
    cells = pairwise_cells(choices, rendered)
    # allpairspy stops at the first cell that adds no pair, which a filter can bring about before every
    # pair is in: give each pair still missing a cell of its own, the rest of it chosen by allpairspy.
    while missing := missing_pairs(rendered + cells, choices):
        (first, first_answer), (second, second_answer) = missing[0]
        cells.append(pairwise_cells({**choices, first: (first_answer,), second: (second_answer,)})[0])
    return tuple(
        Combination(
            f"pairwise-{number:02d}-{cell['auth_role']}-{cell['signing_algorithm'].lower()}-{cell['token_transport']}",
            cell,
        )
        for number, cell in enumerate(cells, start=1)
    )


COMBINATIONS = NAMED_COMBINATIONS + pairwise_combinations(NAMED_COMBINATIONS)
