"""The shell's colours: the input line's tokens, the toolbar and the completion menu.

Kept apart from :mod:`.highlight` so the prompt can be styled before pygments is loaded.
"""

STYLE = {
    "pygments.keyword": "bold #5f87ff",
    "pygments.name.builtin": "bold #af87ff",
    "pygments.name.function": "#00afaf",
    "pygments.name.tag": "#00af5f",
    "pygments.name.attribute": "#d7875f",
    "pygments.name.variable": "bold #d75f87",
    "pygments.operator": "#808080",
    "pygments.string": "#afaf00",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "bottom-toolbar.key": "bg:#303030 #808080",
    "bottom-toolbar.warn": "bg:#303030 #ffaf00",
    "completion-menu.completion": "bg:#303030 #d0d0d0",
    "completion-menu.completion.current": "bg:#5f87ff #ffffff",
    "completion-menu.meta.completion": "bg:#3a3a3a #a8a8a8",
    "completion-menu.meta.completion.current": "bg:#5f87ff #ffffff",
}
