export { onlineEwc, OnlineEwc, type OnlineEwcHyperparameters } from './online-ewc.js';
