import type { Area } from "../../app/area";
import { lazyPage } from "../../app/lazyPage";

const HelpPage = lazyPage(() => import("./HelpPage"), "HelpPage");

export const area: Area = {
  id: "help",
  routes: [
    { path: "/help", element: <HelpPage />, access: "public" },
    { path: "/help/:topicId", element: <HelpPage />, access: "public" },
  ],
  messages: {
    de: { "help.toc": "Themen der Hilfe" },
    en: { "help.toc": "Help topics" },
  },
};
